// Times and sizes on the landing page.
#include "status/page_format.hpp"

#include <doctest/doctest.h>

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
  CHECK(format_bytes(3LL * 1024 * 1024 * 1024) == "3.0 GiB");
  CHECK(format_seconds(0.25) == "0.250 s");
}
