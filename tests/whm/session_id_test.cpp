#include "whm/session_id.hpp"

#include <doctest/doctest.h>

#include <string>

using wte::whm::is_valid_session_id;

TEST_CASE("session ids: [0-9A-Za-z_], 1..64 characters") {
  CHECK(is_valid_session_id("vm5docscpanelcopya20140224163412sylG"));
  CHECK(is_valid_session_id("a"));
  CHECK(is_valid_session_id("A_9"));
  CHECK(is_valid_session_id(std::string(64, 'x')));

  CHECK_FALSE(is_valid_session_id(""));
  CHECK_FALSE(is_valid_session_id(std::string(65, 'x')));
  CHECK_FALSE(is_valid_session_id("../x"));
  CHECK_FALSE(is_valid_session_id("a%2Fb"));
  CHECK_FALSE(is_valid_session_id(std::string("a\0b", 3)));
  CHECK_FALSE(is_valid_session_id("a b"));
  CHECK_FALSE(is_valid_session_id("a-b"));
  CHECK_FALSE(is_valid_session_id("a.b"));
  CHECK_FALSE(is_valid_session_id("a/b"));
  CHECK_FALSE(is_valid_session_id("caf\xc3\xa9"));
  CHECK_FALSE(is_valid_session_id("abc\n"));
}
