// Times, sizes, counts and name order on the landing page.
#include "status/page_format.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace wte::status;

TEST_CASE("format_age") {
  const double now = 1700000000;
  CHECK(format_age(std::nullopt, now) == "never");
  CHECK(format_age(now, now) == "just now");
  CHECK(format_age(now + 30, now) == "just now");  // a clock that went back
  CHECK(format_age(now - 12.7, now) == "12 s ago");
  CHECK(format_age(now - 119, now) == "119 s ago");
  CHECK(format_age(now - 300, now) == "5 min ago");
  CHECK(format_age(now - 3 * 3600, now) == "3 h ago");
  CHECK(format_age(now - 3 * 86400, now) == "3 d ago");
}

TEST_CASE("format_utc and format_iso8601") {
  CHECK(format_utc(1598991042) == "2020-09-01 20:10:42 UTC");
  CHECK(format_utc(1598991042.9) == "2020-09-01 20:10:42 UTC");
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
}

TEST_CASE("format_bytes and format_seconds") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(1280) == "1.3 KiB");  // 1.25: halves up, as the page's script rounds
  CHECK(format_bytes(3LL * 1024 * 1024 * 1024) == "3.0 GiB");
  CHECK(format_seconds(0.25) == "0.250 s");
}

TEST_CASE("format_count") {
  CHECK(format_count(0) == "0");
  CHECK(format_count(999) == "999");
  CHECK(format_count(1000) == "1,000");
  CHECK(format_count(20000) == "20,000");
  CHECK(format_count(1234567) == "1,234,567");
  CHECK(format_count(-1234) == "-1,234");
  CHECK(format_count(INT64_MIN) == "-9,223,372,036,854,775,808");
}

TEST_CASE("format_duration: two units at most, rounded") {
  CHECK(format_duration(0) == "0 s");
  CHECK(format_duration(44.6) == "45 s");
  CHECK(format_duration(89) == "89 s");
  CHECK(format_duration(90) == "2 min");
  CHECK(format_duration(17 * 60 + 10) == "17 min");
  CHECK(format_duration(90 * 60) == "1 h 30 min");
  CHECK(format_duration(3 * 3600 + 5 * 60) == "3 h 5 min");
  CHECK(format_duration(3 * 3600) == "3 h");
  CHECK(format_duration(2 * 86400 + 4 * 3600) == "2 d 4 h");
  CHECK(format_duration(-1) == "?");
  CHECK(format_duration(std::numeric_limits<double>::quiet_NaN()) == "?");
}

TEST_CASE("format_rate") {
  CHECK(format_rate(1234.4) == "1,234");
  CHECK(format_rate(10) == "10");
  CHECK(format_rate(2.54) == "2.5");
  CHECK(format_rate(8.25) == "8.3");  // halves up, as the page's script rounds
  CHECK(format_rate(0) == "0.0");
  CHECK(format_rate(-0.25) == "-0.2");
  CHECK(format_rate(std::numeric_limits<double>::infinity()) == "?");
}

TEST_CASE("natural_less: numbers as numbers, case ignored, a total order") {
  CHECK(natural_less("sim2", "sim10"));
  CHECK_FALSE(natural_less("sim10", "sim2"));
  CHECK(natural_less("sim0", "sim1"));
  CHECK(natural_less("sim9.example.com", "sim10.example.com"));
  CHECK(natural_less("web2-db10", "web2-db9") == false);
  CHECK(natural_less("Alpha", "beta"));
  CHECK(natural_less("beta", "Gamma"));
  CHECK(natural_less("sim", "sim0"));                                            // a prefix first
  CHECK(natural_less("a99999999999999999999999", "a100000000000000000000000"));  // no overflow
  // Equal but for case or leading zeros: byte order decides, both ways consistent.
  CHECK(natural_less("Sim1", "sim1") != natural_less("sim1", "Sim1"));
  CHECK(natural_less("sim01", "sim1") != natural_less("sim1", "sim01"));
  CHECK_FALSE(natural_less("sim1", "sim1"));
  std::vector<std::string> hosts = {"sim10", "sim1", "sim2", "sim0", "Sim3", "sim20", "sim11"};
  std::sort(hosts.begin(), hosts.end(), natural_less);
  CHECK(hosts ==
        std::vector<std::string>{"sim0", "sim1", "sim2", "Sim3", "sim10", "sim11", "sim20"});
}
