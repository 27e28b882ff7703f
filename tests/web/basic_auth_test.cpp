#include "web/basic_auth.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "test_bcrypt.hpp"

namespace wte::web {
namespace {

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

  CHECK(check_basic_auth(Request{}, {}, cache).outcome == O::not_required);
  CHECK(check_basic_auth(Request{}, users, cache).outcome == O::missing_credentials);
  CHECK(check_basic_auth(with_authorization("Bearer x"), users, cache).outcome ==
        O::missing_credentials);
  CHECK(check_basic_auth(with_authorization("Basic cHJvbTp3cm9uZw=="), users, cache).outcome ==
        O::bad_credentials);  // prom:wrong
  CHECK(check_basic_auth(with_authorization("Basic ZXZlOnNlY3JldA=="), users, cache).outcome ==
        O::bad_credentials);  // eve:secret, an unknown user with a known password
  CHECK(cache.size() == 0);

  const AuthDecision ok =
      check_basic_auth(with_authorization("Basic cHJvbTpzZWNyZXQ="), users, cache);
  CHECK(ok.outcome == O::allowed);
  CHECK(ok.ok());
  CHECK(ok.user == "prom");
  CHECK(cache.size() == 1);
  // From the cache now, and a wrong password still fails with a cached user.
  CHECK(check_basic_auth(with_authorization("Basic cHJvbTpzZWNyZXQ="), users, cache).ok());
  CHECK_FALSE(check_basic_auth(with_authorization("Basic cHJvbTp3cm9uZw=="), users, cache).ok());
  CHECK(check_basic_auth(with_authorization("Basic b3RoZXI6cHcy"), users, cache).user == "other");
}

TEST_CASE("the cache spares the bcrypt on repeated success") {
  // Cost 10 takes tens of milliseconds; cached checks must be far quicker.
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  REQUIRE(crypt_gensalt_rn("$2y$", 10, nullptr, 0, salt, sizeof salt));
  crypt_data data{};
  const std::vector<BasicAuthUser> users = {{"prom", crypt_rn("secret", salt, &data, sizeof data)}};
  AuthCache cache;
  const Request request = with_authorization("Basic cHJvbTpzZWNyZXQ=");
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(check_basic_auth(request, users, cache).ok());
  const auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) REQUIRE(check_basic_auth(request, users, cache).ok());
  const auto t2 = std::chrono::steady_clock::now();
  CHECK((t2 - t1) < (t1 - t0));  // twenty cached checks beat one bcrypt
}

TEST_CASE("AuthCache keeps at most its capacity, most recent first") {
  AuthCache cache(2);
  const auto d = AuthCache::digest("pw");
  cache.remember("a", "h", d);
  cache.remember("b", "h", d);
  cache.remember("c", "h", d);
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.contains("a", "h", d));
  CHECK(cache.contains("c", "h", d));
  CHECK_FALSE(cache.contains("c", "other-hash", d));
  CHECK_FALSE(cache.contains("c", "h", AuthCache::digest("other")));
  cache.remember("c", "h", AuthCache::digest("new"));
  CHECK(cache.size() == 2);
  CHECK_FALSE(cache.contains("c", "h", d));
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
