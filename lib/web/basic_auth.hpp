#pragma once
// HTTP basic auth with bcrypt hashes, as Prometheus' exporter-toolkit does it. The decision
// is a pure function of the request, the users and a cache, testable without sockets.
#include <array>
#include <cstddef>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "web/http_types.hpp"

namespace wte::web {

struct BasicAuthUser {
  std::string name;
  std::string bcrypt_hash;  // "$2y$...", "$2b$..." or "$2a$..."
};

// Remembers recent successful checks as (user, hash, sha256(password)), so a scraper that
// sends the same credentials every few seconds costs one bcrypt, not one per request (a
// bcrypt of cost 10 takes ~50 ms, and it runs on the event loop). Only successes are kept:
// a wrong password always pays the full bcrypt.
class AuthCache {
 public:
  explicit AuthCache(std::size_t capacity = 64) : capacity_(capacity) {}

  using Digest = std::array<unsigned char, 32>;
  static Digest digest(std::string_view password);

  bool contains(std::string_view user, std::string_view hash, const Digest& password) const;
  void remember(std::string_view user, std::string_view hash, const Digest& password);
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::string user;
    std::string hash;
    Digest password;
  };
  std::size_t capacity_;
  std::list<Entry> entries_;  // most recent first
};

// True if `password` matches the bcrypt `hash` (libxcrypt crypt_rn, constant-time compare).
bool bcrypt_matches(std::string_view password, std::string_view hash);

struct AuthDecision {
  enum class Outcome { allowed, not_required, missing_credentials, bad_credentials };
  Outcome outcome = Outcome::not_required;
  std::string user;  // the authenticated user when allowed

  bool ok() const noexcept {
    return outcome == Outcome::allowed || outcome == Outcome::not_required;
  }
};

// Decides whether `request` may pass. No users means no auth. An unknown user still costs
// one bcrypt, so response times do not reveal which user names exist.
AuthDecision check_basic_auth(const Request& request, std::span<const BasicAuthUser> users,
                              AuthCache& cache);

// True if `path` is one of the paths configured to skip authentication (exact match).
bool is_unauthenticated_path(std::string_view path,
                             std::span<const std::string> unauthenticated_paths) noexcept;

// The 401 response with its WWW-Authenticate challenge.
Response unauthorized_response();

// Splits "Basic base64(user:password)"; nullopt if the header is not that.
struct BasicCredentials {
  std::string user;
  std::string password;
};
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header_value);

// Strict base64 (RFC 4648, padding required); nullopt if malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace wte::web
