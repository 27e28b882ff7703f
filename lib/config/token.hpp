#pragma once
// Loading the secrets that the config only points at (WHM API tokens, the API bearer
// token). A token is a root credential: it lives in a Secret, which cannot be printed,
// and no message produced here ever contains it.
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "error/result.hpp"

namespace wte::config {

class Secret {
 public:
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();  // wipes the bytes

  // The only way to the value: grep for reveal() to audit every use.
  const std::string& reveal() const noexcept { return value_; }
  static std::string_view redacted() noexcept { return "<redacted>"; }

  // Never streamed, not even by accident.
  friend std::ostream& operator<<(std::ostream&, const Secret&) = delete;

 private:
  void wipe() noexcept;
  std::string value_;
};

// Where load_token() looks things up: the process environment by default, a fake in tests.
class TokenEnvironment {
 public:
  using Lookup = std::function<std::optional<std::string>(const std::string& name)>;

  explicit TokenEnvironment(Lookup lookup) : lookup_(std::move(lookup)) {}
  // Reads the real environment (getenv) at each lookup.
  static TokenEnvironment process();

  std::optional<std::string> get(const std::string& name) const { return lookup_(name); }
  // $CREDENTIALS_DIRECTORY, set by systemd when the unit has LoadCredential=.
  std::optional<std::string> credentials_directory() const { return get("CREDENTIALS_DIRECTORY"); }

 private:
  Lookup lookup_;
};

// Reads the token `source` points at. A file readable or writable by group or others is
// refused unless `allow_insecure_permissions`. Trailing whitespace is stripped; an empty
// token, or one with whitespace or control characters inside (it goes into an HTTP
// header), is refused. The error names the source, never the content; when the config named
// the source, it starts with its position: "FILE:LINE:COL: KEY: cannot open token file ...".
Result<Secret> load_token(const TokenSource& source, const TokenEnvironment& env,
                          bool allow_insecure_permissions);

// The whole content of a secret file whose value may hold spaces (a basic-auth
// "USER:PASSWORD" line), without its trailing line break. Mode and size are checked as for
// a token file.
Result<Secret> load_secret_file(const std::string& path, bool allow_insecure_permissions);

// "token file /x", "environment variable X", "credential X": for messages. A name that
// looks like a token (someone pasted the token where its file or variable belongs) is not
// shown: "the token file named in the config (not shown: ...)"; nor is a file name that
// does not look like a path.
std::string describe(const TokenSource& source);

// True if `value` may be a secret rather than a name: it holds a run of 16 or more letters
// and digits, both present (WHM tokens are 32 of [A-Z0-9]). Paths, variable and credential
// names are made of shorter words (whm1.token, WHM_TOKEN_HOST1); a false alarm only hides
// a name from a message.
bool looks_like_secret(std::string_view value) noexcept;

}  // namespace wte::config
