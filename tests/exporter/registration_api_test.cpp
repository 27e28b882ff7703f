#include "exporter/registration_api.hpp"

#include <doctest/doctest.h>

#include "exporter/shard.hpp"

using namespace wte::exporter;

namespace {
wte::web::Request with_header(std::string name, std::string value) {
  wte::web::Request r;
  r.headers.emplace_back(std::move(name), std::move(value));
  return r;
}
}  // namespace

TEST_CASE("the bearer token: Authorization: Bearer, or X-Api-Token") {
  CHECK(has_bearer_token(with_header("authorization", "Bearer s3cret"), "s3cret"));
  CHECK(has_bearer_token(with_header("authorization", "bearer s3cret"), "s3cret"));
  CHECK(has_bearer_token(with_header("x-api-token", "s3cret"), "s3cret"));
  CHECK_FALSE(has_bearer_token(with_header("authorization", "Bearer s3cre"), "s3cret"));
  CHECK_FALSE(has_bearer_token(with_header("authorization", "Basic s3cret"), "s3cret"));
  CHECK_FALSE(has_bearer_token(wte::web::Request{}, "s3cret"));
  CHECK_FALSE(has_bearer_token(with_header("x-api-token", ""), ""));  // no token: never allowed
}

TEST_CASE("register bodies") {
  const auto ok = parse_register_body(R"({"host":"whm1","session_id":"abc_1"})");
  REQUIRE(ok.ok());
  CHECK(ok.value().session_id == "abc_1");
  for (const char* bad :
       {"", "[]", "{}", R"({"host":"whm1"})", R"({"host":1,"session_id":"a"})",
        R"({"host":"whm1","session_id":"../x"})", R"({"host":"../x","session_id":"a"})",
        R"({"host":"whm1","session_id":"a\u0000b"})"}) {
    CAPTURE(bad);
    const auto r = parse_register_body(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().status == 400);
  }
}

TEST_CASE("unregister paths are never decoded, so no escape can smuggle a separator") {
  const std::string prefix = "/api/v1/sessions/";
  CHECK(parse_unregister_path("/api/v1/sessions/whm1/abc", prefix).ok());
  for (const char* bad :
       {"/api/v1/sessions/whm1/a%2Fb", "/api/v1/sessions/whm1/../x", "/api/v1/sessions/whm1",
        "/api/v1/sessions/%2E%2E/x", "/api/v1/sessions/whm1/a/b"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_unregister_path(bad, prefix).ok());
  }
}

TEST_CASE("shards: every host in exactly one shard, stable hash") {
  // Pinned: FNV-1a("a") is 0xaf63dc4c8601ec8c, so "a" is in shard 0xaf63dc4c8601ec8c % N.
  static_assert(in_shard("a", 0xaf63dc4c8601ec8cull % 3, 3));
  static_assert(in_shard("a", 0xaf63dc4c8601ec8cull % 7, 7));
  for (const char* host : {"whm1", "whm2", "sim0", "a.example.com"}) {
    int owners = 0;
    for (unsigned i = 0; i < 3; ++i) owners += in_shard(host, i, 3) ? 1 : 0;
    CHECK(owners == 1);
    CHECK(in_shard(host, 0, 1));
  }
}

TEST_CASE("a deeply nested register body is a 400, not a stack overflow") {
  const std::string deep = std::string(150000, '[') + std::string(150000, ']');
  for (const std::string& body : {deep, R"({"host":)" + deep + "}", std::string(200000, '{'),
                                  R"({"host":"whm1","session_id":"abc","x":)" + deep + "}"}) {
    const auto parsed = wte::exporter::parse_register_body(body);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().status == 400);
  }
}
