#pragma once
// HTTP basic auth with bcrypt hashes, as Prometheus' exporter-toolkit does it. The decision
// is a pure function of the request, the users and a cache, testable without sockets.
#include <array>
#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "web/http_types.hpp"

namespace wte::web {

struct BasicAuthUser {
  std::string name;
  std::string bcrypt_hash;  // "$2y$...", "$2b$..." or "$2a$..."
};

// Remembers recent successful checks as (user, hash, sha256(password)), so a scraper that
// sends the same credentials every few seconds costs one bcrypt every `ttl`, not one per
// request (a bcrypt of cost 10 takes ~50 ms of a core). Only successes are kept, and only
// for `ttl`: a wrong password always pays the full bcrypt (off the event loop, see
// BcryptPool), so no flood of wrong passwords ever gets an answer cheaper than one check,
// and no stream of failures can push a legitimate entry out (failures are never stored).
// Pure: the caller passes the time.
class AuthCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Digest = std::array<unsigned char, 32>;

  explicit AuthCache(std::size_t capacity = 64,
                     Clock::duration ttl = std::chrono::minutes(5)) noexcept
      : capacity_(capacity), ttl_(ttl) {}

  static Digest digest(std::string_view password);

  bool contains(std::string_view user, std::string_view hash, const Digest& password,
                Clock::time_point now) const;
  void remember(std::string_view user, std::string_view hash, const Digest& password,
                Clock::time_point now);
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::string user;
    std::string hash;
    Digest password;
    Clock::time_point checked;
  };
  std::size_t capacity_;
  Clock::duration ttl_;
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
// one bcrypt, so response times do not reveal which user names exist. Runs the bcrypt on
// the caller's thread: for tests and tools; the server uses begin/finish below.
AuthDecision check_basic_auth(const Request& request, std::span<const BasicAuthUser> users,
                              AuthCache& cache, AuthCache::Clock::time_point now);

// A check that needs a bcrypt: run bcrypt_matches(password, hash) somewhere (BcryptPool),
// then finish_basic_auth.
struct PendingBcrypt {
  std::string user;  // as sent
  bool known_user = false;
  std::string hash;      // the user's hash, or another user's for an unknown name
  std::string password;  // as sent (secret)
  AuthCache::Digest digest{};
};

// Everything decidable without a bcrypt (no users, no or malformed credentials, a cached
// success); otherwise the bcrypt to run.
std::variant<AuthDecision, PendingBcrypt> begin_basic_auth(const Request& request,
                                                           std::span<const BasicAuthUser> users,
                                                           const AuthCache& cache,
                                                           AuthCache::Clock::time_point now);

// The decision once the bcrypt has run; remembers a success.
AuthDecision finish_basic_auth(const PendingBcrypt& pending, bool bcrypt_matched, AuthCache& cache,
                               AuthCache::Clock::time_point now);

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
