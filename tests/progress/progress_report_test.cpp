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

TEST_CASE("durations for people") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(45) == "45s");
  CHECK(format_duration(200) == "3m 20s");
  CHECK(format_duration(3600) == "1h 00m");
  CHECK(format_duration(7500) == "2h 05m");
  CHECK(format_duration(97200) == "1d 03h");
  CHECK(format_duration(-5) == "0s");
}

TEST_CASE("the accounts line") {
  wte::log::AccountCounts a;
  a.total = 40;
  a.done = 3;
  a.failed = 2;
  a.with_dangerous_items = 1;
  a.remaining = 37;
  CHECK(accounts_line(a) ==
        "Accounts  3 of 40 done (2 failed, 1 with dangerous items), 37 remaining");
  CHECK(accounts_line({}) == "Accounts  0 done (0 failed, 0 with dangerous items), total unknown");
}

namespace {

// A running session of 10 accounts with times: 3 restored at +600, +1200, +1800.
std::string timed_log() {
  auto t = [](int v) { return R"(,"time":)" + std::to_string(1598991042 + v); };
  std::string log = R"({"contents":{"action":"start")" + t(0) + "}}\n" +
                    R"({"contents":{"action":"queue_count","queue":"TRANSFER","msg":10}})" + "\n";
  const char* names[] = {"alice", "bob", "carol"};
  for (int i = 0; i < 3; ++i) {
    const std::string item = R"(","queue":"RESTORE","item":")" + std::string(names[i]) + "\"";
    log += R"({"contents":{"action":"start-item)" + item + R"(,"msg":{"size":1048576})" +
           t(i * 600) + "}}\n";
    log += R"({"contents":{"action":"success-item)" + item + R"(,"msg":{})" + t(i * 600 + 600) +
           "}}\n";
  }
  return log;
}

}  // namespace

TEST_CASE("the pace line: rate, bytes, window and estimated completion; or why unknown") {
  wte::log::MasterLog m;
  m.feed(timed_log());
  const auto o = wte::log::session_overview(m.model());
  // 3 in 1800 s: 6/h, 6 MiB/h; 7 more at 600 s each.
  CHECK(pace_line(o, m.model().times()) ==
        "Pace      6.0 accounts/h, 6.0 MiB/h over the last 30m 00s; estimated completion " +
            format_time(1598991042 + 1800 + 4200));
  wte::log::MasterLog untimed;
  untimed.feed(wte::test::fixture_log("seed-2014-three-accounts.log"));
  CHECK(pace_line(wte::log::session_overview(untimed.model()), untimed.model().times()) ==
        "Pace      unknown (the log has no times)");
  wte::log::MasterLog clocked;
  clocked.feed(R"({"contents":{"action":"start"}})"
               "\n",
               1000.0);
  clocked.feed(R"({"contents":{"action":"success-item","queue":"RESTORE","item":"a"}})"
               "\n",
               1600.0);
  CHECK(pace_line(wte::log::session_overview(clocked.model()), clocked.model().times()) ==
        "Pace      6.0 accounts/h, 0 B/h over the last 10m 00s; estimated completion "
        "1970-01-01 00:26:40 UTC (times from the exporter's clock)");
}

TEST_CASE("the report has the accounts and the pace; --items the slowest accounts") {
  wte::log::MasterLog m;
  m.feed(timed_log());
  const std::string status = render_status(m.model());
  CHECK(status.find("\nAccounts  3 of 10 done (0 failed, 0 with dangerous items), 7 remaining\n"
                    "Pace      6.0 accounts/h") != std::string::npos);
  ReportOptions with_items;
  with_items.items = true;
  const std::string report = render_report(m.model(), with_items);
  INFO(report);
  CHECK(report.find("\nSlowest accounts (first start to last result):\n"
                    "  RESTORE      10m 00s  alice\n"
                    "  RESTORE      10m 00s  bob\n"
                    "  RESTORE      10m 00s  carol\n") != std::string::npos);
  CHECK(render_report(m.model()).find("Slowest") == std::string::npos);
}
