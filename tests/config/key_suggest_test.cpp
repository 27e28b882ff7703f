#include "config/key_suggest.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string_view>

using wte::config::closest_key;
using wte::config::edit_distance;
using wte::config::join_keys;

TEST_CASE("edit_distance") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("timeout", "timeout") == 0);
  CHECK(edit_distance("timout", "timeout") == 1);
}

TEST_CASE("closest_key suggests plausible typos only") {
  constexpr std::array<std::string_view, 4> keys{"timeout", "token_file", "token_env", "url"};
  CHECK(closest_key("timout", keys) == std::optional<std::string_view>("timeout"));
  CHECK(closest_key("token-file", keys) == std::optional<std::string_view>("token_file"));
  CHECK(closest_key("uri", keys) == std::optional<std::string_view>("url"));
  CHECK(closest_key("Timeout", keys) == std::optional<std::string_view>("timeout"));
  CHECK_FALSE(closest_key("completely_different", keys).has_value());
  CHECK_FALSE(closest_key(std::string(1000, 'x'), keys).has_value());
  CHECK(join_keys(keys) == "timeout, token_file, token_env, url");
}
