#include "web/basic_auth.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace wte::web {
namespace {

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  // The length of a bcrypt hash is public (always 60), so an early exit on it leaks nothing.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim_spaces(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

AuthCache::Digest AuthCache::digest(std::string_view password) {
  Digest out{};
  unsigned int length = 0;
  EVP_Digest(password.data(), password.size(), out.data(), &length, EVP_sha256(), nullptr);
  return out;
}

bool AuthCache::contains(std::string_view user, std::string_view hash, const Digest& password,
                         Clock::time_point now) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return now >= e.checked && now - e.checked < ttl_ && e.user == user && e.hash == hash &&
           CRYPTO_memcmp(e.password.data(), password.data(), password.size()) == 0;
  });
}

void AuthCache::remember(std::string_view user, std::string_view hash, const Digest& password,
                         Clock::time_point now) {
  if (capacity_ == 0) return;
  // One entry per (user, hash): a new password for the same user replaces the old one.
  entries_.remove_if([&](const Entry& e) {
    return (e.user == user && e.hash == hash) || now < e.checked || now - e.checked >= ttl_;
  });
  entries_.push_front(Entry{std::string(user), std::string(hash), password, now});
  while (entries_.size() > capacity_) entries_.pop_back();
}

bool bcrypt_matches(std::string_view password, std::string_view hash) {
  // crypt takes C strings: a NUL inside would silently shorten the password.
  if (password.find('\0') != std::string_view::npos) return false;
  if (hash.find('\0') != std::string_view::npos) return false;
  const std::string phrase(password);
  const std::string setting(hash);
  auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on the stack
  const char* result = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  // libxcrypt returns a "*"-prefixed failure token or nullptr for a bad setting.
  if (result == nullptr || result[0] == '*') return false;
  return constant_time_equal(result, hash);
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        v[j] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after '='
      v[j] = base64_value(c);
      if (v[j] < 0) return std::nullopt;
    }
    const unsigned bits = (static_cast<unsigned>(v[0]) << 18) |
                          (static_cast<unsigned>(v[1]) << 12) | (static_cast<unsigned>(v[2]) << 6) |
                          static_cast<unsigned>(v[3]);
    out.push_back(static_cast<char>((bits >> 16) & 0xff));
    if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header_value) {
  const std::string_view value = trim_spaces(header_value);
  const std::size_t space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!iequals_ascii(value.substr(0, space), "basic")) return std::nullopt;
  const auto decoded = base64_decode(trim_spaces(value.substr(space + 1)));
  if (!decoded) return std::nullopt;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool is_unauthenticated_path(std::string_view path,
                             std::span<const std::string> unauthenticated_paths) noexcept {
  return std::find(unauthenticated_paths.begin(), unauthenticated_paths.end(), path) !=
         unauthenticated_paths.end();
}

std::variant<AuthDecision, PendingBcrypt> begin_basic_auth(const Request& request,
                                                           std::span<const BasicAuthUser> users,
                                                           const AuthCache& cache,
                                                           AuthCache::Clock::time_point now) {
  AuthDecision decision;
  if (users.empty()) return decision;  // not_required
  const auto header = request.header("authorization");
  auto credentials = header ? parse_basic_authorization(*header) : std::nullopt;
  if (!credentials) {
    decision.outcome = AuthDecision::Outcome::missing_credentials;
    return decision;
  }
  const auto user = std::find_if(users.begin(), users.end(), [&](const BasicAuthUser& u) {
    return u.name == credentials->user;
  });
  PendingBcrypt pending;
  pending.known_user = user != users.end();
  // An unknown user is checked against a real hash too: same cost, never accepted.
  pending.hash = pending.known_user ? user->bcrypt_hash : users.front().bcrypt_hash;
  pending.digest = AuthCache::digest(credentials->password);
  if (pending.known_user && cache.contains(user->name, pending.hash, pending.digest, now)) {
    decision.outcome = AuthDecision::Outcome::allowed;
    decision.user = user->name;
    return decision;
  }
  pending.user = std::move(credentials->user);
  pending.password = std::move(credentials->password);
  return pending;
}

AuthDecision finish_basic_auth(const PendingBcrypt& pending, bool bcrypt_matched, AuthCache& cache,
                               AuthCache::Clock::time_point now) {
  AuthDecision decision;
  const bool matches = bcrypt_matched && pending.known_user;
  decision.outcome =
      matches ? AuthDecision::Outcome::allowed : AuthDecision::Outcome::bad_credentials;
  if (matches) {
    cache.remember(pending.user, pending.hash, pending.digest, now);
    decision.user = pending.user;
  }
  return decision;
}

AuthDecision check_basic_auth(const Request& request, std::span<const BasicAuthUser> users,
                              AuthCache& cache, AuthCache::Clock::time_point now) {
  auto begun = begin_basic_auth(request, users, cache, now);
  if (auto* decided = std::get_if<AuthDecision>(&begun)) return *decided;
  const auto& pending = std::get<PendingBcrypt>(begun);
  return finish_basic_auth(pending, bcrypt_matches(pending.password, pending.hash), cache, now);
}

Response unauthorized_response() {
  Response response = Response::text(401, "Unauthorized\n");
  response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"whm_transfer_exporter\"");
  return response;
}

}  // namespace wte::web
