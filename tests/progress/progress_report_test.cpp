#include "progress/progress_report.hpp"

#include <doctest/doctest.h>

#include "log/master_log.hpp"
#include "support/test_files.hpp"

using namespace wte::progress;

TEST_CASE("progress bars") {
  CHECK(progress_bar(0.0, 10) == "[----------]");
  CHECK(progress_bar(0.5, 10) == "[#####-----]");
  CHECK(progress_bar(1.0, 10) == "[##########]");
  CHECK(progress_bar(7.0, 4) == "[####]");  // clamped
  CHECK(progress_bar(std::nullopt, 4) == "[----]");
}

TEST_CASE("bytes and times for people") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1536) == "1.5 KiB");
  CHECK(format_bytes(19327352832) == "18.0 GiB");
  CHECK(format_time(1598991042) == "2020-09-01 20:10:42 UTC");
  CHECK(format_time(std::nullopt) == "unknown");
}

TEST_CASE("a queue line reads like the issue's example") {
  wte::log::Queue q{"RESTORE", {}};
  q.counts.items_total = 40;
  q.counts.bytes_total = 19327352832;  // 18.0 GiB
  q.counts.items_finished = 27;
  q.counts.bytes_finished = 12992400179;  // 12.1 GiB
  q.counts.items_succeeded = 25;
  q.counts.items_with_warnings = 4;
  q.counts.items_failed = 2;
  q.counts.dangerous_items = 3;
  CHECK(queue_line(q, 14) ==
        "RESTORE   [#########-----]   27/40 items  68%  12.1 of 18.0 GiB  25 succeeded (4 with "
        "warnings), 2 failed, 3 dangerous items");
}

TEST_CASE("exit status follows the session") {
  auto status = [](const std::string& log) {
    wte::log::MasterLog m;
    m.feed(log);
    m.finish();
    return exit_status(m.model());
  };
  const auto line = [](const std::string& action) {
    return R"({"contents":{"action":")" + action + "\"}}\n";
  };
  CHECK(status(wte::test::fixture_log("seed-2014-three-accounts.log")) == 0);
  CHECK(status(wte::test::fixture_log("openapi-2020-failed-root.log")) == 1);
  CHECK(status(line("start") + line("fail")) == 1);
  CHECK(status(line("start") + line("abort")) == 1);
  CHECK(status(line("start")) == 3);
  CHECK(status(line("start") + line("pause")) == 3);
  CHECK(status("") == 3);
}

TEST_CASE("the report names failed items and dangerous texts, escaped for a terminal") {
  wte::log::MasterLog m;
  m.feed(
      R"({"contents":{"action":"failed-item","queue":"TRANSFER","item":"bad\u001b[31m","msg":{"failure":"line1\nline2"}}})"
      "\n");
  const std::string report = render_report(m.model());
  CHECK(report.find("Failed items:") != std::string::npos);
  CHECK(report.find("bad\\x1B[31m: line1\\nline2") != std::string::npos);
  CHECK(report.find('\x1b') == std::string::npos);  // no terminal escape gets through
}
