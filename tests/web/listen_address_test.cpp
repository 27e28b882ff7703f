#include "web/listen_address.hpp"

#include <doctest/doctest.h>

namespace wte::web {

TEST_CASE("parse_listen_address accepts the usual forms") {
  auto a = parse_listen_address("127.0.0.1:9923");
  REQUIRE(a.ok());
  CHECK(a.value().host == "127.0.0.1");
  CHECK(a.value().port == 9923);
  a = parse_listen_address("[::1]:0");
  REQUIRE(a.ok());
  CHECK(a.value().host == "::1");
  CHECK(a.value().port == 0);
  a = parse_listen_address(":9923");
  REQUIRE(a.ok());
  CHECK(a.value().host.empty());
  a = parse_listen_address("localhost:65535");
  REQUIRE(a.ok());
  CHECK(a.value().host == "localhost");
}

TEST_CASE("parse_listen_address rejects with a reason") {
  for (const char* bad :
       {"9923", "host:", "host:65536", "host:-1", "host:12x", "::1:80", "[::1:80", "[]:80", ""}) {
    CAPTURE(bad);
    const auto r = parse_listen_address(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.error().message.empty());
  }
}

}  // namespace wte::web
