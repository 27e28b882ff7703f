#include "whm/errors.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace wte::whm;

TEST_CASE("ErrorReason names are the metric label values") {
  CHECK(to_string(ErrorReason::timeout) == "timeout");
  CHECK(to_string(ErrorReason::connect) == "connect");
  CHECK(to_string(ErrorReason::tls) == "tls");
  CHECK(to_string(ErrorReason::auth) == "auth");
  CHECK(to_string(ErrorReason::http) == "http");
  CHECK(to_string(ErrorReason::api) == "api");
  CHECK(to_string(ErrorReason::bad_response) == "bad_response");
  CHECK(to_string(ErrorReason::too_large) == "too_large");
}

TEST_CASE("Result holds a value or an error") {
  Result<std::string> good(std::string("RUNNING"));
  REQUIRE(good.ok());
  CHECK(static_cast<bool>(good));
  CHECK(good.value() == "RUNNING");
  const std::string moved = std::move(good).value();
  CHECK(moved == "RUNNING");

  Result<std::string> bad(ApiError{ErrorReason::http, "HTTP 502", 502});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().reason == ErrorReason::http);
  CHECK(bad.error().message == "HTTP 502");
  CHECK(bad.error().http_status == 502);
}
