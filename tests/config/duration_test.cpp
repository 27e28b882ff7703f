#include "config/duration.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string_view>

using namespace std::chrono_literals;
using wte::config::format_duration;
using wte::config::parse_duration;
using wte::config::parse_shard;
using wte::config::parse_size;
using wte::config::ShardSpec;

TEST_CASE("parse_duration reads the documented forms") {
  struct Row {
    std::string_view text;
    std::chrono::milliseconds expected;
  };
  const Row rows[] = {
      {"500ms", 500ms}, {"15s", 15s},        {"5m", 5min},
      {"24h", 24h},     {"1h30m", 90min},    {"2d", 48h},
      {"0s", 0ms},      {"1s500ms", 1500ms}, {"1d2h3m4s5ms", 24h + 2h + 3min + 4s + 5ms},
      {"90s", 90s},     {"007s", 7s},        {"1000000d", 1000000 * 24h},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CHECK(parse_duration(row.text) == std::optional(row.expected));
  }
}

TEST_CASE("parse_duration refuses everything else") {
  const std::string_view rows[] = {"",
                                   "15",
                                   "s",
                                   "1.5s",
                                   "-1s",
                                   "+1s",
                                   " 1s",
                                   "1s ",
                                   "1 s",
                                   "1S",
                                   "1sec",
                                   "1s1s",
                                   "1s1m",
                                   "1ms1s",
                                   "1w",
                                   "1y",
                                   "1us",
                                   "1h30",
                                   "99999999999999999999s",
                                   "9223372036854775807d",
                                   "1m1m",
                                   "1hh"};
  for (std::string_view text : rows) {
    CAPTURE(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("format_duration writes the shortest form and parse_duration reads it back") {
  struct Row {
    std::chrono::milliseconds d;
    std::string_view text;
  };
  const Row rows[] = {{0ms, "0s"}, {500ms, "500ms"}, {15s, "15s"},        {90s, "1m30s"},
                      {24h, "1d"}, {90min, "1h30m"}, {1500ms, "1s500ms"}, {48h + 1ms, "2d1ms"}};
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CHECK(format_duration(row.d) == row.text);
    CHECK(parse_duration(format_duration(row.d)) == std::optional(row.d));
  }
  CHECK(format_duration(-1500ms) == "-1s500ms");
  CHECK_FALSE(format_duration(std::chrono::milliseconds::min()).empty());
}

TEST_CASE("parse_size reads bytes and binary or decimal units") {
  struct Row {
    std::string_view text;
    std::size_t expected;
  };
  const Row rows[] = {{"0", 0},
                      {"1048576", 1048576},
                      {"100B", 100},
                      {"512KiB", 512 * 1024},
                      {"1MiB", 1 << 20},
                      {"256MiB", std::size_t{256} << 20},
                      {"1GiB", std::size_t{1} << 30},
                      {"2TiB", std::size_t{2} << 40},
                      {"1KB", 1000},
                      {"5MB", 5'000'000},
                      {"1GB", 1'000'000'000},
                      {"3TB", 3'000'000'000'000}};
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CHECK(parse_size(row.text) == std::optional(row.expected));
  }
}

TEST_CASE("parse_size refuses everything else") {
  const std::string_view rows[] = {
      "",           "MiB", "1.5MiB", "-1",   "1 MiB", "1mib", "1kb",
      "1K",         "1M",  "1MiBs",  "0x10", "1e6",   " 1",   "99999999999999999999",
      "20000000TiB"};
  for (std::string_view text : rows) {
    CAPTURE(text);
    CHECK_FALSE(parse_size(text).has_value());
  }
}

TEST_CASE("parse_shard reads I/N with 0 <= I < N") {
  CHECK(parse_shard("0/1") == std::optional(ShardSpec{0, 1}));
  CHECK(parse_shard("3/4") == std::optional(ShardSpec{3, 4}));
  CHECK(parse_shard("0/4294967295") == std::optional(ShardSpec{0, 4294967295u}));
  for (std::string_view text : {"", "1", "/", "1/", "/2", "2/2", "3/2", "0/0", "-1/2", "1/2/3",
                                "a/b", " 0/1", "0/4294967296", "1.0/2"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_shard(text).has_value());
  }
}
