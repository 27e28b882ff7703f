#include "logging/logger.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using wte::logging::Format;
using wte::logging::Level;
using wte::logging::Logger;

namespace {

using namespace std::chrono_literals;

// 2026-11-30T18:45:05.123Z
const std::chrono::system_clock::time_point kFixed =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + 18h + 45min + 5s + 123ms;

wte::logging::Clock fixed_clock() {
  return [] { return kFixed; };
}

}  // namespace

TEST_CASE("timestamps are RFC 3339 UTC with milliseconds") {
  using wte::logging::format_timestamp;
  CHECK(format_timestamp(kFixed) == "2026-11-30T18:45:05.123Z");
  CHECK(format_timestamp(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  // Sub-millisecond parts are cut, never rounded up into the next second.
  CHECK(format_timestamp(kFixed + 876us) == "2026-11-30T18:45:05.123Z");
  CHECK(format_timestamp(std::chrono::sys_days{std::chrono::year{2024} / 2 / 29} + 23h + 59min +
                         59s + 999ms) == "2024-02-29T23:59:59.999Z");
}

TEST_CASE("a logfmt line starts with ts, caller and level, then msg and the fields") {
  std::ostringstream out;
  Logger logger(out, Level::info, Format::logfmt, fixed_clock());
  const int line = __LINE__ + 1;
  logger.info("listening", {{"address", "0.0.0.0:9923"}, {"tls", "off"}});
  CHECK(out.str() == "ts=2026-11-30T18:45:05.123Z caller=logger_test.cpp:" + std::to_string(line) +
                         " level=info msg=listening address=0.0.0.0:9923 tls=off\n");
}

TEST_CASE("a JSON line has the same keys") {
  std::ostringstream out;
  Logger logger(out, Level::debug, Format::json, fixed_clock());
  const int line = __LINE__ + 1;
  logger.warn("config reload failed", {{"error", "a.yml:3:1: \"x\"\nb"}});
  CHECK(out.str() == "{\"ts\":\"2026-11-30T18:45:05.123Z\",\"caller\":\"logger_test.cpp:" +
                         std::to_string(line) +
                         "\",\"level\":\"warn\",\"msg\":\"config reload failed\","
                         "\"error\":\"a.yml:3:1: \\\"x\\\"\\nb\"}\n");
}

TEST_CASE("logfmt values: bare words, else quoted with escapes") {
  using wte::logging::logfmt_value;
  CHECK(logfmt_value("whm1") == "whm1");
  CHECK(logfmt_value("") == "\"\"");
  CHECK(logfmt_value("two words") == "\"two words\"");
  CHECK(logfmt_value("a=b") == "\"a=b\"");
  CHECK(logfmt_value("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
  CHECK(logfmt_value("l1\nl2\r\tx") == "\"l1\\nl2\\r\\tx\"");
  CHECK(logfmt_value(std::string_view("\x01\x7f", 2)) == "\"\\u0001\\u007f\"");
  CHECK(logfmt_value("caf\xC3\xA9") == "caf\xC3\xA9");      // UTF-8 stays bare
  CHECK(logfmt_value("bad\xFF") == "\"bad\xEF\xBF\xBD\"");  // repaired, then quoted
}

TEST_CASE("JSON strings escape controls and stay valid UTF-8") {
  using wte::logging::json_string;
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string(std::string_view("\x00\x1f", 2)) == "\"\\u0000\\u001f\"");
  CHECK(json_string("\xC0") == "\"\xEF\xBF\xBD\"");
}

TEST_CASE("levels: the four names, nothing else") {
  using wte::logging::level_from_name;
  CHECK(level_from_name("debug") == Level::debug);
  CHECK(level_from_name("info") == Level::info);
  CHECK(level_from_name("warn") == Level::warn);
  CHECK(level_from_name("error") == Level::error);
  CHECK_FALSE(level_from_name("verbose").has_value());
  CHECK_FALSE(level_from_name("trace").has_value());
  CHECK_FALSE(level_from_name("INFO").has_value());
  CHECK(wte::logging::format_from_name("json") == Format::json);
  CHECK(wte::logging::format_from_name("logfmt") == Format::logfmt);
  CHECK_FALSE(wte::logging::format_from_name("text").has_value());
}

TEST_CASE("lines below the level are dropped; an override outlives set_level") {
  std::ostringstream out;
  Logger logger(out, Level::warn, Format::logfmt, fixed_clock());
  logger.info("hidden");
  CHECK(out.str().empty());
  logger.override_level(Level::debug);
  logger.set_level(Level::error);  // a config reload: the command line still wins
  logger.debug("shown");
  CHECK(out.str().find("msg=shown") != std::string::npos);
}

TEST_CASE("the caller is the base name of the file") {
  const auto where = wte::logging::SourceLocation::current();
  CHECK(where.line == __LINE__ - 1);
  CHECK(wte::logging::caller_of(where) == "logger_test.cpp:" + std::to_string(where.line));
}
