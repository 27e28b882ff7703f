#include "config/token.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "config/config_error.hpp"
#include "os/unique_fd.hpp"

namespace wte::config {
namespace {

// A token is a few dozen bytes; anything this large is the wrong file.
constexpr std::size_t kMaxTokenBytes = 64 * 1024;

Error failure(std::string message) {
  return Error{std::move(message)};
}

std::string os_reason(int error) {
  return std::system_category().message(error);
}

std::string octal_mode(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

// Zeroes a string's whole buffer when the scope ends.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& s) : s_(s) {}
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;
  ~WipeOnExit() { ::explicit_bzero(s_.data(), s_.capacity()); }

 private:
  std::string& s_;
};

// Reads a whole regular file, checking its mode when asked. `what` names it in messages.
Result<Secret> read_token_file(const std::string& path, const std::string& what, bool check_mode) {
  // O_NONBLOCK: opening a FIFO must not hang; it is then refused as not a regular file.
  os::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return failure("cannot open " + what + ": " + os_reason(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return failure("cannot stat " + what + ": " + os_reason(errno));
  if (!S_ISREG(st.st_mode)) return failure(what + " is not a regular file");
  if (check_mode && (st.st_mode & 077) != 0) {
    return failure(what + " has mode " + octal_mode(st.st_mode) +
                   ", so group or others can read or write it; a WHM token is a root "
                   "credential: run `chmod 600 " +
                   (looks_like_secret(path) ? std::string("FILE") : path) +
                   "` (or set allow_insecure_token_permissions: true where the platform "
                   "cannot, e.g. some container secret mounts)");
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxTokenBytes) {
    return failure(what + " is larger than " + std::to_string(kMaxTokenBytes) +
                   " bytes; it does not look like a token");
  }
  // Read straight into one buffer, wiped on every way out unless the Secret took it.
  std::string bytes(kMaxTokenBytes + 1, '\0');
  const WipeOnExit wipe_bytes(bytes);
  std::size_t used = 0;
  while (used < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + used, bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure("cannot read " + what + ": " + os_reason(errno));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > kMaxTokenBytes) return failure(what + " is too large for a token");
  bytes.resize(used);
  return Secret(std::move(bytes));
}

// Strips trailing whitespace, then refuses what cannot be a token, by position only.
Result<Secret> checked(Result<Secret> loaded, const std::string& what) {
  if (!loaded.ok()) return loaded;
  std::string value = loaded.value().reveal();
  const WipeOnExit wipe_value(value);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\n' ||
                            value.back() == '\r')) {
    value.pop_back();
  }
  Secret secret(std::move(value));
  const std::string& v = secret.reveal();
  if (v.empty()) return failure(what + " is empty");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c <= 0x20 || c == 0x7f) {
      return failure(what + " has whitespace or a control character at byte " +
                     std::to_string(i + 1) +
                     "; a token is one word (it is sent in an HTTP header)");
    }
  }
  return secret;
}

Result<Secret> load_token_unlocated(const TokenSource& source, const TokenEnvironment& env,
                                    bool allow_insecure_permissions) {
  const std::string what = describe(source);
  switch (source.kind) {
    case TokenSource::Kind::file:
      return checked(read_token_file(source.name, what, !allow_insecure_permissions), what);
    case TokenSource::Kind::env: {
      auto value = env.get(source.name);
      if (!value) return failure(what + " is not set");
      return checked(Secret(std::move(*value)), what);
    }
    case TokenSource::Kind::credential: {
      auto dir = env.credentials_directory();
      if (!dir || dir->empty()) {
        return failure(what +
                       " needs $CREDENTIALS_DIRECTORY, which is not set; run under "
                       "systemd with LoadCredential=" +
                       (looks_like_secret(source.name) ? std::string("NAME") : source.name) +
                       ":/path/to/token");
      }
      if (source.name.empty() || source.name.find('/') != std::string::npos || source.name == "." ||
          source.name == "..") {
        return failure(what + " is not a valid credential name");
      }
      // systemd made this copy private to the unit: no mode check.
      return checked(read_token_file(*dir + "/" + source.name, what, false), what);
    }
  }
  return failure("unknown token source");
}

}  // namespace

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe();  // assignment may reuse the buffer and leave a longer old value's tail
    value_ = other.value_;
  }
  return *this;
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  other.wipe();
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

Secret::~Secret() {
  wipe();
}

void Secret::wipe() noexcept {
  // The whole buffer, not just size(): a moved-from short string keeps its old bytes.
  ::explicit_bzero(value_.data(), value_.capacity());
  value_.clear();
}

TokenEnvironment TokenEnvironment::process() {
  return TokenEnvironment([](const std::string& name) -> std::optional<std::string> {
    // Only reads; the environment is not modified after startup.
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
}

bool looks_like_secret(std::string_view value) noexcept {
  constexpr std::size_t kShortestSecret = 16;
  std::size_t run = 0;
  bool letter = false;
  bool digit = false;
  for (const char c : value) {
    const bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool is_digit = c >= '0' && c <= '9';
    if (!is_letter && !is_digit) {
      run = 0;
      letter = digit = false;
      continue;
    }
    ++run;
    letter = letter || is_letter;
    digit = digit || is_digit;
    if (run >= kShortestSecret && letter && digit) return true;
  }
  return false;
}

std::string describe(const TokenSource& source) {
  const bool secret_like = looks_like_secret(source.name);
  switch (source.kind) {
    case TokenSource::Kind::file: {
      const bool path_like = source.name.find_first_of("/.") != std::string::npos;
      if (path_like && !secret_like) return "token file " + source.name;
      return std::string("the token file named in the config (its name is not shown: it looks ") +
             (secret_like ? "like a token, not a path" : "like no path") + ")";
    }
    case TokenSource::Kind::env:
      if (!secret_like) return "environment variable " + source.name;
      return "the environment variable named in the config (its name is not shown: it looks "
             "like a token, not a variable name)";
    case TokenSource::Kind::credential:
      if (!secret_like) return "credential " + source.name;
      return "the credential named in the config (its name is not shown: it looks like a token)";
  }
  return "token source";
}

Result<Secret> load_secret_file(const std::string& path, bool allow_insecure_permissions) {
  Result<Secret> loaded = read_token_file(path, "file " + path, !allow_insecure_permissions);
  if (!loaded.ok()) return loaded;
  std::string value = loaded.value().reveal();
  const WipeOnExit wipe_value(value);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return Secret(std::move(value));
}

Result<Secret> load_token(const TokenSource& source, const TokenEnvironment& env,
                          bool allow_insecure_permissions) {
  Result<Secret> result = load_token_unlocated(source, env, allow_insecure_permissions);
  const ConfigPosition& at = source.written_at;
  if (!result.ok() && !at.file.empty()) {
    return Error{
        ConfigError{at.file, at.line, at.column, at.key, result.error().message}.to_string()};
  }
  return result;
}

}  // namespace wte::config
