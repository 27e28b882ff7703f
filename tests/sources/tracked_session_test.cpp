#include "sources/tracked_session.hpp"

#include <doctest/doctest.h>

#include "log/summary_json.hpp"
#include "support/test_files.hpp"

using wte::sources::TrackedSession;

namespace {
// The log's counts (without the overview, whose times depend on the clock it was read with).
std::string summary_of(const std::string& log) {
  wte::log::MasterLog m;
  m.feed(log);
  return wte::log::summary_json(m.model(), {.overview = false});
}
}  // namespace

TEST_CASE("a growing log is read from the last byte seen, never twice") {
  const std::string log = wte::test::fixture_log("seed-2014-three-accounts.log");
  TrackedSession s("h", "id");
  std::uint64_t total = 0;
  for (std::size_t end : {std::size_t{0}, std::size_t{100}, std::size_t{101}, log.size() / 2,
                          log.size() / 2, log.size()}) {
    const auto r = s.ingest_whole_log(std::string_view(log).substr(0, end), 10.0);
    CHECK_FALSE(r.reset);
    total += r.bytes;
  }
  CHECK(total == log.size());
  CHECK(s.offset() == log.size());
  CHECK(wte::log::summary_json(s.log().model(), {.overview = false}) == summary_of(log));
  CHECK(s.resets() == 0);
}

TEST_CASE("a log that shrank is read again from byte 0 and counted as a reset") {
  const std::string log = wte::test::fixture_log("seed-2014-three-accounts.log");
  TrackedSession s("h", "id");
  s.ingest_whole_log(log, 1.0);
  const std::string shorter = log.substr(0, log.size() / 2);
  const auto r = s.ingest_whole_log(shorter, 2.0);
  CHECK(r.reset);
  CHECK(r.bytes == shorter.size());
  CHECK(s.resets() == 1);
  CHECK(wte::log::summary_json(s.log().model(), {.overview = false}) == summary_of(shorter));
}

TEST_CASE("a log replaced by another one of the same length or longer is detected") {
  const std::string a = wte::test::fixture_log("seed-2014-three-accounts.log");
  const std::string b = wte::test::fixture_log("openapi-2020-failed-root.log");
  TrackedSession s("h", "id");
  s.ingest_whole_log(b, 1.0);
  const auto r = s.ingest_whole_log(a, 2.0);  // longer, different beginning
  CHECK(r.reset);
  CHECK(wte::log::summary_json(s.log().model(), {.overview = false}) == summary_of(a));
}

TEST_CASE("same beginning but different bytes before the offset is a reset too") {
  std::string head(5000, ' ');
  head += "\n";
  const std::string a = head + R"({"contents":{"action":"start"}})"
                               "\n";
  const std::string b = head +
                        R"({"contents":{"action":"abort"}})"
                        "\n" +
                        "{\"contents\":{\"action\":\"x\"}}\n";
  TrackedSession s("h", "id");
  s.ingest_whole_log(a, 1.0);
  const auto r = s.ingest_whole_log(b, 2.0);
  CHECK(r.reset);
  CHECK(s.log().info().state == "ABORTED");
}

TEST_CASE("state: the API's when known, else the log's once read, else unknown") {
  TrackedSession s("h", "id");
  CHECK_FALSE(s.state());  // never PENDING before anything is known
  CHECK_FALSE(s.is_final());
  s.ingest_whole_log("", 0.5);
  CHECK(s.state() == "PENDING");  // an empty log: the log says PENDING
  s.ingest_whole_log(R"({"contents":{"action":"start"}})"
                     "\n",
                     1.0);
  CHECK(s.state() == "RUNNING");
  CHECK_FALSE(s.is_final());
  s.set_api_state("COMPLETED");
  CHECK(s.state() == "COMPLETED");
  CHECK(s.is_final());
  CHECK(s.log().info().state == "RUNNING");  // the log's state is kept beside it
}

TEST_CASE("last change moves only when the log grows") {
  TrackedSession s("h", "id");
  CHECK_FALSE(s.last_change_unix());
  s.ingest_whole_log("{}\n", 5.0);
  s.ingest_whole_log("{}\n", 9.0);
  CHECK(s.last_change_unix() == 5.0);
}

TEST_CASE("local appends and restarts") {
  const std::string log = wte::test::fixture_log("openapi-2020-failed-root.log");
  TrackedSession s("h", "id");
  s.ingest_appended(std::string_view(log).substr(0, 300), 1.0);
  s.ingest_appended(std::string_view(log).substr(300), 2.0);
  CHECK(s.offset() == log.size());
  CHECK(s.fingerprint().length() == log.size());
  CHECK(s.fingerprint().is_prefix_of(log));
  s.restart(3.0);
  CHECK(s.offset() == 0);
  CHECK(s.fingerprint().length() == 0);
  CHECK(s.resets() == 1);
}

TEST_CASE("what a read added is reported, never a running total") {
  const std::string line = R"({"contents":{"action":"start"}})"
                           "\n";
  wte::log::EngineLimits limits;
  limits.max_line_bytes = 64;
  TrackedSession s("h", "id", limits);
  auto r = s.ingest_whole_log(line + "not json\n", 1.0);
  CHECK(r == wte::sources::IngestReport{.bytes = line.size() + 9, .lines = 1, .malformed = 1});
  const std::string overlong = std::string(100, 'x') + "\n";
  r = s.ingest_whole_log(line + "not json\n" + overlong + line, 2.0);
  CHECK(r ==
        wte::sources::IngestReport{
            .bytes = overlong.size() + line.size(), .lines = 1, .malformed = 1, .overlong = 1});
  r = s.ingest_whole_log(line, 3.0);  // shorter: read again, the counts of the new read
  CHECK(r == wte::sources::IngestReport{.bytes = line.size(), .lines = 1, .reset = true});
}

// Regression: only the first 4 KiB and the 256 bytes before the offset were compared, so a
// log rewritten in its middle went on with wrong counts.
TEST_CASE("a log rewritten in the middle of what was read is a reset") {
  std::string a;
  for (int i = 0; i < 200; ++i) {
    a += R"({"contents":{"action":"start-item","queue":"TRANSFER","item":"u)" + std::to_string(i) +
         R"("}})"
         "\n";
  }
  TrackedSession s("h", "id");
  s.ingest_whole_log(a, 1.0);
  std::string b = a;
  b.replace(6000, 10, "xxxxxxxxxx");  // past the first 4 KiB, far before the end
  b += "{}\n";
  const auto r = s.ingest_whole_log(b, 2.0);
  CHECK(r.reset);
  CHECK(s.resets() == 1);
}

// Regression: a finished log whose last line had no newline stayed pending (RUNNING with
// pending bytes) while `progress` on the same file said COMPLETED.
TEST_CASE("the end of a finished log: a last line without a newline is parsed") {
  TrackedSession s("h", "id");
  s.ingest_whole_log(R"({"contents":{"action":"start"}})"
                     "\n"
                     R"({"contents":{"action":"complete"}})",
                     1.0);
  CHECK(s.log().info().state == "RUNNING");
  CHECK(s.log().info().pending_bytes > 0);
  const auto r = s.finish_log();
  CHECK(r.lines == 1);
  CHECK(s.log().info().state == "COMPLETED");
  CHECK(s.log().info().pending_bytes == 0);
  CHECK_FALSE(s.ingest_whole_log(R"({"contents":{"action":"start"}})"
                                 "\n"
                                 R"({"contents":{"action":"complete"}})",
                                 2.0)
                  .reset);
  CHECK(s.log().info().lines == 2);
}

TEST_CASE("the exporter's clock gives a log without times its times") {
  const std::string log = wte::test::fixture_log("seed-2014-three-accounts.log");
  TrackedSession s("h", "id");
  s.ingest_whole_log(std::string_view(log).substr(0, log.size() / 2), 1000.5);
  s.ingest_whole_log(log, 1060.0);
  const auto& times = s.log().model().times();
  CHECK(times.from_exporter_clock);
  CHECK(times.first == 1000);
  CHECK(times.last == 1060);
  // A log with times keeps its own.
  TrackedSession timed("h", "id2");
  timed.ingest_appended(wte::test::fixture_log("openapi-2020-failed-root.log"), 5000.0);
  CHECK_FALSE(timed.log().model().times().from_exporter_clock);
  CHECK(timed.log().model().times().last == 1598991043);
}
