// SessionCollector: the gauges of METRICS.md from the fixture logs, exact series and values.
#include "metrics/session_collector.hpp"

#include <doctest/doctest.h>

#include "log/log_builder.hpp"
#include "metrics/exposition.hpp"
#include "metrics/label_value.hpp"
#include "metrics/metrics_text.hpp"
#include "support/fake_status_source.hpp"
#include "support/test_files.hpp"
#include "text/utf8.hpp"

using wte::metrics::SessionCollector;
using wte::test::count_series;
using wte::test::Exposition;
using wte::test::FakeStatusSource;

namespace {

Exposition scrape(const SessionCollector& c) {
  return wte::test::parse_exposition(wte::metrics::render_metrics_text({&c}));
}

const char* const kRoot = R"(host="h1",session="s1")";

std::string s1(const std::string& more = "") {
  return std::string("{") + kRoot + more + "}";
}

// A log with `n` failed items in RESTORE, each with `dangerous` dangerous items.
std::string failed_items_log(int n, int dangerous = 0) {
  std::string log = wte::test::control("start");
  for (int i = 0; i < n; ++i) {
    const std::string item = "user" + std::to_string(i);
    log += wte::test::worker("start", "RESTORE", item);
    log += wte::test::worker("failed-item", "RESTORE", item,
                             R"({"failure":"boom )" + std::to_string(i) +
                                 R"(","dangerous_items":)" + std::to_string(dangerous) + "}");
  }
  return log;
}

}  // namespace

TEST_CASE("openapi-2020-failed-root.log: every session, queue and item series") {
  FakeStatusSource src;
  auto& s = src.add_session("h1", "s1", wte::test::fixture_log("openapi-2020-failed-root.log"));
  s.last_change = 1700000000.5;
  const SessionCollector c(src);
  const Exposition e = scrape(c);

  CHECK(e.at("whm_transfer_session_state" + s1(R"(,state="COMPLETED")")) == "1");
  CHECK(e.at("whm_transfer_session_state" + s1(R"(,state="RUNNING")")) == "0");
  CHECK(e.at("whm_transfer_session_log_state" + s1(R"(,state="COMPLETED")")) == "1");
  CHECK(e.at("whm_transfer_session_info" +
             s1(R"(,initiator="norootcopy",version="2.3",remote_host="10.1.32.200")")) == "1");
  CHECK(e.at("whm_transfer_session_start_timestamp_seconds" + s1()) == "1598991042");
  CHECK(e.at("whm_transfer_session_last_event_timestamp_seconds" + s1()) == "1598991043");
  CHECK(e.at("whm_transfer_session_last_change_timestamp_seconds" + s1()) == "1700000000.5");
  CHECK(e.at("whm_transfer_session_log_lines" + s1()) == "17");
  CHECK(e.at("whm_transfer_session_log_malformed_lines" + s1()) == "0");
  CHECK(e.at("whm_transfer_session_pending_bytes" + s1()) == "0");

  for (const std::string queue : {"TRANSFER", "RESTORE"}) {
    CAPTURE(queue);
    const std::string q = s1(R"(,queue=")" + queue + "\"");
    CHECK(e.at("whm_transfer_queue_items" + q) == "1");
    CHECK(e.at("whm_transfer_queue_size_bytes" + q) == "1");
    CHECK(e.at("whm_transfer_queue_items_started" + q) == "1");
    CHECK(e.at("whm_transfer_queue_items_finished" + q) == "1");
    CHECK(e.at("whm_transfer_queue_items_succeeded" + q) == "0");
    CHECK(e.at("whm_transfer_queue_items_with_warnings" + q) == "0");
    CHECK(e.at("whm_transfer_queue_items_failed" + q) == "1");
    CHECK(e.at("whm_transfer_queue_finished_bytes" + q) == "1");
    CHECK(e.at("whm_transfer_queue_warnings" + q) == "0");
    CHECK(e.at("whm_transfer_queue_dangerous_items" + q) == "0");
    CHECK(e.at("whm_transfer_queue_skipped_items" + q) == "0");
    CHECK(e.at("whm_transfer_queue_altered_items" + q) == "0");
    CHECK(e.at("whm_transfer_queue_child_failures" + q) == "0");
    CHECK(e.at("whm_transfer_queue_progress_ratio" + q) == "1");
    CHECK(e.at("whm_transfer_item_failed" +
               s1(R"(,queue=")" + queue +
                  "\",item=\"root\",failure=\"The account \xE2\x80\x9Croot\xE2\x80\x9D already "
                  "exists on \xE2\x80\x9C"
                  "control.box.new\xE2\x80\x9D.\"")) == "1");
  }
  CHECK(count_series(e, "whm_transfer_item_dangerous_items") == 0);
  // 9 stored states + 8 log states + info + 2 timestamps + last change + 2 line counts
  // + waiting for the end + pending bytes + 14 x 2 queue gauges + 2 failed items
  // + 5 account counts + accounts per hour (no estimate: COMPLETED) + 2 queue bytes per hour
  // + 2 duration histograms of 12 series + 1 failed account.
  CHECK(e.size() == 9 + 8 + 1 + 3 + 2 + 1 + 1 + 28 + 2 + 5 + 1 + 2 + 24 + 1);
  CHECK(e.at(R"(whm_transfer_session_log_waiting_for_end{host="h1",session="s1"})") == "0");
  CHECK(c.last_dropped() == 0);
}

TEST_CASE("seed-2014-three-accounts.log: unknown values are absent, dangerous items appear") {
  FakeStatusSource src;
  src.add_session("h1", "s1", wte::test::fixture_log("seed-2014-three-accounts.log"));
  const Exposition e = scrape(SessionCollector(src));
  // The log has no `time` and the exporter never saw it grow: no timestamps.
  CHECK(count_series(e, "_timestamp_seconds") == 0);
  CHECK(e.at("whm_transfer_session_info" +
             s1(R"(,initiator="copyacct",version="1.6",remote_host="vm5.docs.cpanel.net")")) ==
        "1");
  const std::string restore = s1(R"(,queue="RESTORE")");
  CHECK(e.at("whm_transfer_queue_items" + restore) == "3");
  CHECK(e.at("whm_transfer_queue_items_with_warnings" + restore) == "3");
  CHECK(e.at("whm_transfer_queue_warnings" + restore) == "8");
  CHECK(e.at("whm_transfer_queue_skipped_items" + restore) == "31");
  CHECK(e.at("whm_transfer_queue_dangerous_items" + restore) == "1");
  CHECK(e.count("whm_transfer_queue_size_bytes" + restore) == 0);  // no queue_size line
  CHECK(e.at("whm_transfer_item_dangerous_items" + s1(R"(,queue="RESTORE",item="colin")")) == "1");
  CHECK(count_series(e, "whm_transfer_item_") == 1);
}

TEST_CASE("a log with nothing known yet: progress and totals are absent, info labels empty") {
  FakeStatusSource src;
  src.add_session("h1", "s1",
                  wte::test::control("start") + wte::test::worker("start", "TRANSFER", "bob"));
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.at("whm_transfer_session_info" + s1(R"(,initiator="",version="",remote_host="")")) ==
        "1");
  const std::string q = s1(R"(,queue="TRANSFER")");
  CHECK(e.at("whm_transfer_queue_items_started" + q) == "1");
  CHECK(e.count("whm_transfer_queue_items" + q) == 0);
  CHECK(e.count("whm_transfer_queue_progress_ratio" + q) == 0);
  CHECK(e.at("whm_transfer_session_state" + s1(R"(,state="RUNNING")")) == "1");
}

namespace {
// The states cPanel stores (the API's and whmxfer.sqlite's), and those a log can show.
const std::vector<std::string> kStored = {"PENDING",   "REACHEDMAXMEM", "RUNNING",
                                          "PAUSING",   "ABORTING",      "PAUSED",
                                          "COMPLETED", "ABORTED",       "FAILED"};
const std::vector<std::string> kFromLog = {"PENDING", "RUNNING",   "PAUSING", "ABORTING",
                                           "PAUSED",  "COMPLETED", "ABORTED", "FAILED"};
}  // namespace

TEST_CASE("state one-hots: each state a source can produce once; the API's wins") {
  FakeStatusSource src;
  auto& s = src.add_session("h1", "s1", wte::test::fixture_log("openapi-2020-failed-root.log"));
  s.api_state = "ABORTED";
  const Exposition e = scrape(SessionCollector(src));
  for (const std::string& state : kStored) {
    CAPTURE(state);
    CHECK(e.at("whm_transfer_session_state" + s1(",state=\"" + state + "\"")) ==
          (state == "ABORTED" ? "1" : "0"));
  }
  for (const std::string& state : kFromLog) {
    CAPTURE(state);
    CHECK(e.at("whm_transfer_session_log_state" + s1(",state=\"" + state + "\"")) ==
          (state == "COMPLETED" ? "1" : "0"));
  }
  CHECK(count_series(e, "whm_transfer_session_state{") == kStored.size());
  CHECK(count_series(e, "whm_transfer_session_log_state{") == kFromLog.size());
  // Issue 16: 26 series a session, 8 of them never anything but 0. A log cannot reach
  // REACHEDMAXMEM, and no source stores the documented-only TRANSFER_*/RESTORE_* names.
  CHECK(count_series(e, "REACHEDMAXMEM\"") == 1);
  CHECK(count_series(e, "TRANSFER_") == 0);
  CHECK(count_series(e, "RESTORE_") == 0);
}

TEST_CASE("a documented-only or unknown API state gets its own series, while reported") {
  FakeStatusSource src;
  auto& s = src.add_session("h1", "s1", wte::test::fixture_log("openapi-2020-failed-root.log"));
  const SessionCollector c(src);
  for (const std::string state : {"TRANSFER_INPROGRESS", "RESTORE_PENDING", "MIGRATING"}) {
    CAPTURE(state);
    s.api_state = state;
    const Exposition e = scrape(c);
    CHECK(e.at("whm_transfer_session_state" + s1(",state=\"" + state + "\"")) == "1");
    CHECK(e.at("whm_transfer_session_state" + s1(R"(,state="COMPLETED")")) == "0");
    CHECK(count_series(e, "whm_transfer_session_state{") == kStored.size() + 1);
    CHECK(count_series(e, "whm_transfer_session_log_state{") == kFromLog.size());
  }
  s.api_state = "RUNNING";
  CHECK(count_series(scrape(c), "TRANSFER_") == 0);
}

TEST_CASE("pending_bytes: an unfinished last line") {
  FakeStatusSource src;
  const std::string partial = R"({"contents":{"action":"start-it)";
  src.add_session("h1", "s1", wte::test::control("start") + partial);
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.at("whm_transfer_session_pending_bytes" + s1()) == std::to_string(partial.size()));
}

TEST_CASE("a removed session and a removed host disappear from the next scrape") {
  FakeStatusSource src;
  src.add_host("h1").sessions = 2;
  src.add_host("h2");
  src.add_session("h1", "s1", wte::test::fixture_log("openapi-2020-failed-root.log"));
  src.add_session("h1", "s2", wte::test::fixture_log("seed-2014-three-accounts.log"));
  const SessionCollector c(src);
  Exposition e = scrape(c);
  CHECK(count_series(e, R"(session="s2")") > 30);
  CHECK(e.at(R"(whm_transfer_host_sessions{host="h1"})") == "2");
  CHECK(e.count(R"(whm_transfer_host_up{host="h2"})") == 1);

  src.remove_session("s2");
  src.hosts.pop_back();
  e = scrape(c);
  CHECK(count_series(e, R"(session="s2")") == 0);
  CHECK(count_series(e, R"(host="h2")") == 0);
  CHECK(count_series(e, R"(session="s1")") > 30);
}

TEST_CASE("host gauges") {
  FakeStatusSource src;
  auto& up = src.add_host("up");
  up.last_success = 1700000000;
  up.tls_insecure = true;
  up.sessions = 3;
  auto& down = src.add_host("down");
  down.up = false;
  down.last_error_reason = "timeout";
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.at(R"(whm_transfer_host_up{host="up"})") == "1");
  CHECK(e.at(R"(whm_transfer_host_up{host="down"})") == "0");
  CHECK(e.at(R"(whm_transfer_host_last_success_timestamp_seconds{host="up"})") == "1700000000");
  CHECK(e.count(R"(whm_transfer_host_last_success_timestamp_seconds{host="down"})") == 0);
  CHECK(e.at(R"(whm_transfer_host_tls_insecure{host="up"})") == "1");
  CHECK(e.at(R"(whm_transfer_host_tls_insecure{host="down"})") == "0");
  CHECK(e.at(R"(whm_transfer_host_sessions{host="up"})") == "3");
  CHECK(e.size() == 7);
}

// Regression: right after start every host read `up 0`, and sessions on a host never
// reached showed state="PENDING" 1.
TEST_CASE("unknown is not exported: a host not polled yet, a session whose state is unknown") {
  FakeStatusSource src;
  auto& h = src.add_host("h1");
  h.polled = false;
  h.up = false;
  auto& s = src.add_session("h1", "s1", "");
  s.log_read = false;
  s.unknown_reason = "not polled yet";
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.count(R"(whm_transfer_host_up{host="h1"})") == 0);
  CHECK(count_series(e, "whm_transfer_session_state{") == 0);
  CHECK(count_series(e, "whm_transfer_session_log_state{") == 0);
  CHECK(e.at(R"(whm_transfer_host_sessions{host="h1"})") == "0");
}

TEST_CASE("how a host's running logs are read, and a session waiting for its end") {
  FakeStatusSource src;
  src.add_host("a").log_access = "active_log";
  src.add_host("w").log_access = "waits_for_end";
  src.add_host("u").log_access = "unknown";
  src.add_session("w", "s1", "").waiting_for_end = true;
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.at(R"(whm_transfer_host_log_access{host="a",access="active_log"})") == "1");
  CHECK(e.at(R"(whm_transfer_host_log_access{host="w",access="waits_for_end"})") == "1");
  CHECK(count_series(e, R"(whm_transfer_host_log_access{host="u")") == 0);
  CHECK(e.at(R"(whm_transfer_session_log_waiting_for_end{host="w",session="s1"})") == "1");
}

TEST_CASE("no hosts and no sessions: an empty exposition") {
  FakeStatusSource src;
  const SessionCollector c(src);
  CHECK(wte::metrics::render_metrics_text({&c}).empty());
}

TEST_CASE("item series are capped per session; the rest are counted and reported") {
  FakeStatusSource src;
  src.add_session("h1", "s1", failed_items_log(5));     // 5 series
  src.add_session("h1", "s2", failed_items_log(2, 4));  // 2 items x (failed + dangerous)
  src.add_session("h1", "s3", failed_items_log(1));
  std::vector<std::size_t> reported;
  const SessionCollector c(src, 3, [&](std::size_t n) { reported.push_back(n); });
  Exposition e = scrape(c);
  CHECK(count_series(e, R"(whm_transfer_item_failed{host="h1",session="s1")") == 3);
  // The first items keep their series: the cap cuts the tail.
  CHECK(count_series(e, R"(item="user0")") == 4);  // s1, s3 and both series of s2
  CHECK(count_series(e, R"(session="s1",queue="RESTORE",item="user3")") == 0);
  CHECK(count_series(e, R"(whm_transfer_item_failed{host="h1",session="s2")") == 2);
  CHECK(
      e.at(
          R"(whm_transfer_item_dangerous_items{host="h1",session="s2",queue="RESTORE",item="user0"})") ==
      "4");
  CHECK(count_series(e, R"(whm_transfer_item_dangerous_items{host="h1",session="s2")") == 1);
  CHECK(count_series(e, R"(whm_transfer_item_failed{host="h1",session="s3")") == 1);
  // 2 of s1, 1 of s2, and as many account series (each failed item is a failed account).
  CHECK(c.last_dropped() == 6);
  CHECK(reported == std::vector<std::size_t>{6});
  // The queue gauges still count everything.
  CHECK(e.at("whm_transfer_queue_items_failed" + s1(R"(,queue="RESTORE")")) == "5");

  // Regression: the same left-out series were counted again on every scrape.
  e = scrape(c);
  CHECK(c.last_dropped() == 6);
  CHECK(reported == std::vector<std::size_t>{6});

  src.remove_session("s1");
  e = scrape(c);
  CHECK(c.last_dropped() == 2);
  CHECK(reported == std::vector<std::size_t>{6});  // s2's series were counted already
  src.remove_session("s2");
  e = scrape(c);
  CHECK(c.last_dropped() == 0);
  CHECK(reported.size() == 1);  // nothing dropped: nothing reported
}

TEST_CASE("a session that fails more items adds only its newly left-out series") {
  FakeStatusSource src;
  src.add_session("h1", "s1", failed_items_log(5));
  std::vector<std::size_t> reported;
  const SessionCollector c(src, 3, [&](std::size_t n) { reported.push_back(n); });
  scrape(c);
  CHECK(reported == std::vector<std::size_t>{4});  // 2 item and 2 account series
  src.remove_session("s1");
  src.add_session("h1", "s1", failed_items_log(9));
  scrape(c);
  scrape(c);
  CHECK(reported == std::vector<std::size_t>{4, 8});
  CHECK(c.last_dropped() == 12);
}

TEST_CASE("the default cap is 1000 series per session") {
  FakeStatusSource src;
  src.add_session("h1", "s1", failed_items_log(1001));
  const SessionCollector c(src);
  const Exposition e = scrape(c);
  CHECK(count_series(e, "whm_transfer_item_failed{") == 1000);
  CHECK(count_series(e, "whm_transfer_account_failed{") == 1000);
  CHECK(c.last_dropped() == 2);
}

TEST_CASE("hostile label values: escaped and valid UTF-8") {
  FakeStatusSource src;
  src.add_host("h\"q\\b\nn\xFF");
  // Item name and failure: JSON escapes in the log become quotes, backslashes and newlines.
  std::string log = wte::test::control("start");
  log += wte::test::worker(
      "failed-item", "RESTORE", R"(it\"em\\x\n)",
      R"({"failure":"line1\nline2\r\t\"q\" \\ )" + std::string(300, 'x') + R"("})");
  src.add_session("h1", "s\xC3(\"", log);
  const SessionCollector c(src);
  const std::string text = wte::metrics::render_metrics_text({&c});
  CHECK(wte::text::is_valid_utf8(text));
  const Exposition e = wte::test::parse_exposition(text);
  CHECK(e.at(R"(whm_transfer_host_up{host="h\"q\\b\nn)"
             "\xEF\xBF\xBD"
             R"("})") == "1");

  std::string failure = "line1 line2  \"q\" \\ " + std::string(300, 'x');
  failure.resize(wte::metrics::kFailureLabelBytes);
  CHECK(e.at("whm_transfer_item_failed{host=\"h1\",session=\"s\xEF\xBF\xBD(\\\"\","
             R"(queue="RESTORE",item="it\"em\\x\n",failure=")" +
             wte::test::escape_label(failure) + "\"}") == "1");
}

namespace {

constexpr std::int64_t kT0 = 1600000000;

std::string timed(std::int64_t t) {
  return R"(,"item_type":"AccountRemoteRoot","time":)" + std::to_string(kT0 + t);
}

// An account's item in one queue: start-item at `start`, its result at `end`.
std::string run(const std::string& queue, const std::string& item, std::int64_t start,
                std::int64_t end, std::int64_t size, const std::string& result = "success-item",
                const std::string& msg = "{}") {
  return wte::test::worker("start-item", queue, item, R"({"size":)" + std::to_string(size) + "}",
                           timed(start)) +
         wte::test::worker(result, queue, item, msg, timed(end));
}

// Three accounts of four over the first hour: alice restored, bob failed in TRANSFER (and
// so in RESTORE), carol restored with dangerous items.
std::string first_hour_log() {
  const std::string bob_failed =
      R"({"failure":"The account “bob” already exists on “x.example.com”."})";
  return wte::test::control("start", "null", R"(,"time":)" + std::to_string(kT0)) +
         wte::test::queue_line("queue_count", "TRANSFER", "4") +
         wte::test::queue_line("queue_count", "RESTORE", "4") +
         run("TRANSFER", "alice", 0, 120, 1000) + run("RESTORE", "alice", 120, 420, 1000) +
         run("TRANSFER", "bob", 0, 3600, 2000, "failed-item", bob_failed) +
         run("RESTORE", "bob", 3600, 3600, 2000, "failed-item", bob_failed) +
         run("TRANSFER", "carol", 100, 200, 3000) +
         run("RESTORE", "carol", 200, 1800, 3000, "warning-item", R"({"dangerous_items":2})");
}

}  // namespace

TEST_CASE("accounts, throughput, estimate and durations of a log with known times") {
  FakeStatusSource src;
  src.add_session("h1", "s1", first_hour_log());
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.at("whm_transfer_session_accounts" + s1()) == "4");
  CHECK(e.at("whm_transfer_session_accounts_done" + s1()) == "3");
  CHECK(e.at("whm_transfer_session_accounts_failed" + s1()) == "1");
  CHECK(e.at("whm_transfer_session_accounts_with_dangerous_items" + s1()) == "1");
  CHECK(e.at("whm_transfer_session_accounts_remaining" + s1()) == "1");
  CHECK(e.at("whm_transfer_session_accounts_per_hour" + s1()) == "3");
  CHECK(e.at("whm_transfer_session_estimated_completion_timestamp_seconds" + s1()) ==
        std::to_string(kT0 + 3600 + 1200));
  const std::string t = s1(R"(,queue="TRANSFER")");
  const std::string r = s1(R"(,queue="RESTORE")");
  CHECK(e.at("whm_transfer_queue_bytes_per_hour" + t) == "6000");
  CHECK(e.at("whm_transfer_queue_bytes_per_hour" + r) == "6000");
  // TRANSFER: 120, 3600, 100 s; RESTORE: 300, 0, 1600 s.
  auto bucket = [](const std::string& queue, const char* le) {
    return std::string(R"(whm_transfer_queue_account_duration_seconds_bucket{host="h1",)") +
           R"(session="s1",queue=")" + queue + R"(",le=")" + le + R"("})";
  };
  CHECK(e.at(bucket("TRANSFER", "60")) == "0");
  CHECK(e.at(bucket("TRANSFER", "300")) == "2");
  CHECK(e.at(bucket("TRANSFER", "1800")) == "2");
  CHECK(e.at(bucket("TRANSFER", "3600")) == "3");
  CHECK(e.at(bucket("TRANSFER", "86400")) == "3");
  CHECK(e.at(bucket("TRANSFER", "+Inf")) == "3");
  CHECK(e.at("whm_transfer_queue_account_duration_seconds_sum" + t) == "3820");
  CHECK(e.at("whm_transfer_queue_account_duration_seconds_count" + t) == "3");
  CHECK(e.at(bucket("RESTORE", "60")) == "1");
  CHECK(e.at(bucket("RESTORE", "300")) == "2");
  CHECK(e.at(bucket("RESTORE", "900")) == "2");
  CHECK(e.at(bucket("RESTORE", "1800")) == "3");
  CHECK(e.at("whm_transfer_queue_account_duration_seconds_sum" + r) == "1900");
  CHECK(count_series(e, "whm_transfer_queue_account_duration_seconds_bucket") == 2 * 10);
  // One series per failed account (not one per queue), labelled with its first failure's
  // queue and its cause; the dangerous one apart.
  CHECK(count_series(e, "whm_transfer_account_failed{") == 1);
  CHECK(e.at("whm_transfer_account_failed" +
             s1(",account=\"bob\",queue=\"TRANSFER\",failure=\"The account \xE2\x80\x9C\xE2\x80\xA6"
                "\xE2\x80\x9D already exists on \xE2\x80\x9C\xE2\x80\xA6\xE2\x80\x9D.\"")) == "1");
  CHECK(count_series(e, "whm_transfer_account_dangerous_items{") == 1);
  CHECK(e.at("whm_transfer_account_dangerous_items" + s1(R"(,account="carol")")) == "2");
  CHECK(count_series(e, "whm_transfer_item_failed{") == 2);  // the per-item series stay
}

TEST_CASE("a final state has no estimate; the API's state counts") {
  FakeStatusSource src;
  auto& s = src.add_session("h1", "s1", first_hour_log());
  s.api_state = "ABORTED";
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.count("whm_transfer_session_estimated_completion_timestamp_seconds" + s1()) == 0);
  CHECK(e.at("whm_transfer_session_accounts_per_hour" + s1()) == "3");
}

TEST_CASE("unknown time is absent: no rate, estimate, bytes per hour or histogram") {
  FakeStatusSource src;
  src.add_session("h1", "s1", wte::test::fixture_log("seed-2014-three-accounts.log"));
  src.add_session("h1", "s2", wte::test::control("start"));
  auto& unread = src.add_session("h1", "s3", "");
  unread.log_read = false;
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.at("whm_transfer_session_accounts" + s1()) == "3");
  CHECK(e.at("whm_transfer_session_accounts_done" + s1()) == "3");
  CHECK(e.at("whm_transfer_session_accounts_remaining" + s1()) == "0");
  CHECK(e.at("whm_transfer_account_dangerous_items" + s1(R"(,account="colin")")) == "1");
  CHECK(count_series(e, "_per_hour") == 0);
  CHECK(count_series(e, "estimated_completion") == 0);
  CHECK(count_series(e, "account_duration") == 0);
  // Nothing known of s2's accounts: no total, no remaining; s3's log was never read.
  const std::string s2 = R"({host="h1",session="s2"})";
  CHECK(e.count("whm_transfer_session_accounts" + s2) == 0);
  CHECK(e.count("whm_transfer_session_accounts_remaining" + s2) == 0);
  CHECK(e.at("whm_transfer_session_accounts_done" + s2) == "0");
  CHECK(count_series(e, R"(whm_transfer_session_accounts{host="h1",session="s3")") == 0);
  CHECK(count_series(e, R"(whm_transfer_session_accounts_done{host="h1",session="s3")") == 0);
}

TEST_CASE("a log without times read with the exporter's clock: time from the clock") {
  FakeStatusSource src;
  auto& s = src.add_session("h1", "s1", "");
  const std::string start =
      wte::test::control("start") + wte::test::queue_line("queue_count", "TRANSFER", "10");
  auto restored = [](const std::string& item) {
    return wte::test::worker("start-item", "RESTORE", item, R"("5")") +
           wte::test::worker("success-item", "RESTORE", item, R"({"size":"5"})");
  };
  s.log.feed(start + restored("a"), 1000.0);
  s.log.feed(restored("b"), 1600.0);
  const Exposition e = scrape(SessionCollector(src));
  CHECK(e.at("whm_transfer_session_accounts_per_hour" + s1()) == "6");  // b in 600 s
  CHECK(e.at("whm_transfer_session_estimated_completion_timestamp_seconds" + s1()) ==
        std::to_string(1600 + 8 * 600));
  CHECK(e.at("whm_transfer_queue_account_duration_seconds_count" + s1(R"(,queue="RESTORE")")) ==
        "2");
}

TEST_CASE("account series have their own cap beside the item series'") {
  // Three accounts failing in TRANSFER, and so in RESTORE: six item series, three account
  // series.
  std::string log = wte::test::control("start");
  for (const char* a : {"a", "b", "c"}) {
    for (const char* q : {"TRANSFER", "RESTORE"}) {
      log += wte::test::worker("failed-item", q, a,
                               R"({"failure":"no room for )" + std::string(a) + R"("})");
    }
  }
  FakeStatusSource src;
  src.add_session("h1", "s1", log);
  const SessionCollector c(src, 4);
  const Exposition e = scrape(c);
  CHECK(count_series(e, "whm_transfer_item_failed{") == 4);
  CHECK(count_series(e, "whm_transfer_account_failed{") == 3);
  CHECK(count_series(e, R"(failure="no room for <account>")") == 3);
  CHECK(c.last_dropped() == 2);
}
