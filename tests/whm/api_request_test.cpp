#include "whm/api_request.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace wte::whm;

TEST_CASE("state request target") {
  const auto target = state_request_target("vm5docscpanelcopya20140224163412sylG");
  REQUIRE(target);
  CHECK(*target ==
        "/json-api/get_transfer_session_state?api.version=1&transfer_session_id="
        "vm5docscpanelcopya20140224163412sylG");
}

TEST_CASE("log request target") {
  const auto target = log_request_target("abc_123");
  REQUIRE(target);
  CHECK(*target ==
        "/json-api/fetch_transfer_session_log?api.version=1&transfer_session_id=abc_123"
        "&logfile=master.log");
  const auto item = log_request_target("abc", "item-RESTORE_AccountRemoteRoot_colin");
  REQUIRE(item);
  CHECK(item->ends_with("&logfile=item-RESTORE_AccountRemoteRoot_colin"));
}

TEST_CASE("invalid ids and log names are refused before they reach a URL") {
  for (const std::string& bad :
       {std::string("../x"), std::string("a%2Fb"), std::string("a\0b", 3), std::string(65, 'a'),
        std::string(""), std::string("a&logfile=x"), std::string("a b"), std::string("a/b")}) {
    CAPTURE(bad);
    CHECK_FALSE(state_request_target(bad));
    CHECK_FALSE(log_request_target(bad));
  }
  CHECK(state_request_target(std::string(64, 'a')));
  CHECK_FALSE(log_request_target("abc", "../etc/passwd"));
  CHECK_FALSE(log_request_target("abc", ".."));
  CHECK_FALSE(log_request_target("abc", ""));
  CHECK_FALSE(log_request_target("abc", "a&b"));
}

TEST_CASE("query values are percent-encoded") {
  // '=' may stay as is in a value: a query parameter splits at its first '='.
  const auto target = api_target("some_function", {{"k", "a b&c=d/é%"}, {"x y", "1"}});
  REQUIRE(target);
  CHECK(*target == "/json-api/some_function?api.version=1&k=a%20b%26c=d/%C3%A9%25&x%20y=1");
  CHECK_FALSE(api_target("../x", {}));
  CHECK_FALSE(api_target("", {}));
}

TEST_CASE("authorization value") {
  CHECK(authorization_value("root", "ABC123") == "whm root:ABC123");
}
