#include "web/basic_auth.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <variant>
#include <vector>

#include "test_bcrypt.hpp"

namespace wte::web {
namespace {

const AuthCache::Clock::time_point t0{};

Request with_authorization(std::string value) {
  Request r;
  r.method = "GET";
  r.path = "/metrics";
  r.headers.emplace_back("authorization", std::move(value));
  return r;
}

}  // namespace

TEST_CASE("base64_decode is strict") {
  CHECK(base64_decode("") == "");
  CHECK(base64_decode("cHJvbTpzZWNyZXQ=") == "prom:secret");
  CHECK(base64_decode("YQ==") == "a");
  CHECK(base64_decode("YWI=") == "ab");
  CHECK(base64_decode("YWJj") == "abc");
  CHECK_FALSE(base64_decode("YQ"));
  CHECK_FALSE(base64_decode("Y==="));
  CHECK_FALSE(base64_decode("YQ==YWJj"));
  CHECK_FALSE(base64_decode("Y!=="));
  CHECK_FALSE(base64_decode("=QYQ"));
}

TEST_CASE("parse_basic_authorization") {
  auto c = parse_basic_authorization("Basic cHJvbTpzZWNyZXQ=");
  REQUIRE(c);
  CHECK(c->user == "prom");
  CHECK(c->password == "secret");
  c = parse_basic_authorization("basic   dTpwOnc=  ");  // "u:p:w": the password keeps its ':'
  REQUIRE(c);
  CHECK(c->user == "u");
  CHECK(c->password == "p:w");
  CHECK_FALSE(parse_basic_authorization("Bearer cHJvbTpzZWNyZXQ="));
  CHECK_FALSE(parse_basic_authorization("Basic"));
  CHECK_FALSE(parse_basic_authorization("Basic bm9jb2xvbg=="));  // "nocolon"
  CHECK_FALSE(parse_basic_authorization("Basic ***"));
}

TEST_CASE("bcrypt_matches accepts $2b$, $2a$ and $2y$ hashes") {
  for (const char* prefix : {"$2b$", "$2a$", "$2y$"}) {
    CAPTURE(prefix);
    const std::string hash = test::make_test_bcrypt("secret", prefix);
    REQUIRE(hash.starts_with(prefix));
    CHECK(bcrypt_matches("secret", hash));
    CHECK_FALSE(bcrypt_matches("Secret", hash));
    CHECK_FALSE(bcrypt_matches("", hash));
    CHECK_FALSE(bcrypt_matches(std::string("secret\0x", 8), hash));
  }
  CHECK_FALSE(bcrypt_matches("secret", "not a hash"));
  CHECK_FALSE(bcrypt_matches("secret", ""));
}

TEST_CASE("check_basic_auth decisions") {
  const std::vector<BasicAuthUser> users = {{"prom", test::make_test_bcrypt("secret")},
                                            {"other", test::make_test_bcrypt("pw2")}};
  AuthCache cache;
  using O = AuthDecision::Outcome;

  CHECK(check_basic_auth(Request{}, {}, cache, t0).outcome == O::not_required);
  CHECK(check_basic_auth(Request{}, users, cache, t0).outcome == O::missing_credentials);
  CHECK(check_basic_auth(with_authorization("Bearer x"), users, cache, t0).outcome ==
        O::missing_credentials);
  CHECK(check_basic_auth(with_authorization("Basic cHJvbTp3cm9uZw=="), users, cache, t0).outcome ==
        O::bad_credentials);  // prom:wrong
  CHECK(check_basic_auth(with_authorization("Basic ZXZlOnNlY3JldA=="), users, cache, t0).outcome ==
        O::bad_credentials);  // eve:secret, an unknown user with a known password
  CHECK(cache.size() == 0);

  const AuthDecision ok =
      check_basic_auth(with_authorization("Basic cHJvbTpzZWNyZXQ="), users, cache, t0);
  CHECK(ok.outcome == O::allowed);
  CHECK(ok.ok());
  CHECK(ok.user == "prom");
  CHECK(cache.size() == 1);
  // From the cache now, and a wrong password still fails with a cached user.
  CHECK(check_basic_auth(with_authorization("Basic cHJvbTpzZWNyZXQ="), users, cache, t0).ok());
  CHECK_FALSE(
      check_basic_auth(with_authorization("Basic cHJvbTp3cm9uZw=="), users, cache, t0).ok());
  CHECK(check_basic_auth(with_authorization("Basic b3RoZXI6cHcy"), users, cache, t0).user ==
        "other");
}

TEST_CASE("the cache spares the bcrypt on repeated success") {
  // Cost 10 takes tens of milliseconds; cached checks must be far quicker.
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  REQUIRE(crypt_gensalt_rn("$2y$", 10, nullptr, 0, salt, sizeof salt));
  crypt_data data{};
  const std::vector<BasicAuthUser> users = {{"prom", crypt_rn("secret", salt, &data, sizeof data)}};
  AuthCache cache;
  const Request request = with_authorization("Basic cHJvbTpzZWNyZXQ=");
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(check_basic_auth(request, users, cache, start).ok());
  const auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) REQUIRE(check_basic_auth(request, users, cache, t1).ok());
  const auto t2 = std::chrono::steady_clock::now();
  CHECK((t2 - t1) < (t1 - start));  // twenty cached checks beat one bcrypt
}

TEST_CASE("AuthCache keeps at most its capacity, most recent first") {
  AuthCache cache(2);
  const auto d = AuthCache::digest("pw");
  cache.remember("a", "h", d, t0);
  cache.remember("b", "h", d, t0);
  cache.remember("c", "h", d, t0);
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.contains("a", "h", d, t0));
  CHECK(cache.contains("c", "h", d, t0));
  CHECK_FALSE(cache.contains("c", "other-hash", d, t0));
  CHECK_FALSE(cache.contains("c", "h", AuthCache::digest("other"), t0));
  cache.remember("c", "h", AuthCache::digest("new"), t0);
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.contains("c", "h", d, t0));
}

TEST_CASE("a success is remembered only for the cache's ttl; a failure is never remembered") {
  using namespace std::chrono_literals;
  const std::vector<BasicAuthUser> users = {{"prom", test::make_test_bcrypt("secret")}};
  AuthCache cache(8, 60s);
  const Request right = with_authorization("Basic cHJvbTpzZWNyZXQ=");  // prom:secret
  const Request wrong = with_authorization("Basic cHJvbTp3cm9uZw==");  // prom:wrong
  CHECK(std::holds_alternative<PendingBcrypt>(begin_basic_auth(wrong, users, cache, t0)));
  auto first = begin_basic_auth(right, users, cache, t0);
  REQUIRE(std::holds_alternative<PendingBcrypt>(first));
  const auto& pending = std::get<PendingBcrypt>(first);
  CHECK(pending.known_user);
  CHECK(pending.password == "secret");
  CHECK(finish_basic_auth(pending, true, cache, t0).ok());
  const auto cached = begin_basic_auth(right, users, cache, t0 + 59s);
  REQUIRE(std::holds_alternative<AuthDecision>(cached));
  CHECK(std::get<AuthDecision>(cached).user == "prom");
  CHECK(std::holds_alternative<PendingBcrypt>(begin_basic_auth(right, users, cache, t0 + 60s)));
  // Many failures do not push the success out, and are not remembered themselves.
  for (int i = 0; i < 100; ++i) {
    auto w = begin_basic_auth(wrong, users, cache, t0 + 1s);
    REQUIRE(std::holds_alternative<PendingBcrypt>(w));
    CHECK_FALSE(finish_basic_auth(std::get<PendingBcrypt>(w), false, cache, t0 + 1s).ok());
  }
  CHECK(cache.size() == 1);
  CHECK(std::holds_alternative<AuthDecision>(begin_basic_auth(right, users, cache, t0 + 2s)));
  // A bcrypt match of an unknown user's name (checked against another hash) is no success.
  PendingBcrypt stranger;
  stranger.user = "eve";
  stranger.known_user = false;
  CHECK_FALSE(finish_basic_auth(stranger, true, cache, t0).ok());
}

TEST_CASE("unauthenticated paths and the 401 response") {
  const std::vector<std::string> exempt = {"/-/healthy"};
  CHECK(is_unauthenticated_path("/-/healthy", exempt));
  CHECK_FALSE(is_unauthenticated_path("/-/healthy/", exempt));
  CHECK_FALSE(is_unauthenticated_path("/metrics", exempt));
  const Response r = unauthorized_response();
  CHECK(r.status == 401);
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0].first == "WWW-Authenticate");
  CHECK(r.headers[0].second == "Basic realm=\"whm_transfer_exporter\"");
}

}  // namespace wte::web
