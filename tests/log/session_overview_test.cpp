// session_overview: accounts as the unit, throughput over the recent window and the
// estimated completion, with exact values from hand-written logs with known times, and
// against the truth of generated logs (tools/loggen).
#include "log/session_overview.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "log/failure_cause.hpp"
#include "log/master_log.hpp"
#include "log_builder.hpp"
#include "loggen/log_generator.hpp"

using wte::log::session_overview;
using wte::log::SessionOverview;
using namespace wte::test;

namespace {

constexpr std::int64_t kT0 = 1600000000;

std::string at(std::int64_t t) {
  return R"(,"time":)" + std::to_string(kT0 + t);
}
std::string typed(std::int64_t t, const std::string& type = "AccountRemoteRoot") {
  return R"(,"item_type":")" + type + R"(")" + at(t);
}

// An account item's life in one queue: start-item at `start`, its result at `end`.
std::string run(const std::string& queue, const std::string& item, std::int64_t start,
                std::int64_t end, std::int64_t size, const std::string& result = "success-item",
                const std::string& msg = "{}") {
  return worker("start-item", queue, item, R"({"size":)" + std::to_string(size) + "}",
                typed(start)) +
         worker(result, queue, item, msg, typed(end));
}

std::string header(int count, std::int64_t t = 0) {
  return control("start", "null", at(t)) +
         queue_line("queue_count", "TRANSFER", std::to_string(count)) +
         queue_line("queue_count", "RESTORE", std::to_string(count));
}

// The overview of a log, holding the log it points into.
struct Overview : SessionOverview {
  std::unique_ptr<wte::log::MasterLog> log;
};

Overview overview_of(const std::string& text, wte::log::OverviewOptions options = {}) {
  Overview r;
  r.log = std::make_unique<wte::log::MasterLog>(summarize(text));
  static_cast<SessionOverview&>(r) = session_overview(r.log->model(), options);
  return r;
}

const wte::log::QueueOverview& queue_of(const SessionOverview& o, std::string_view name) {
  const auto it = std::find_if(o.queues.begin(), o.queues.end(),
                               [&](const auto& q) { return q.queue == name; });
  REQUIRE(it != o.queues.end());
  return *it;
}

}  // namespace

TEST_CASE("an account's outcome combines its TRANSFER and RESTORE items") {
  const std::string failure = "The account “bob” already exists on “dest.example.com”.";
  const std::string log =
      header(6) +
      // done: restored
      run("TRANSFER", "alice", 10, 20, 100) + run("RESTORE", "alice", 30, 40, 100) +
      // failed in TRANSFER, and at once in RESTORE: one failed account, the TRANSFER text
      run("TRANSFER", "bob", 10, 50, 200, "failed-item", R"({"failure":")" + failure + R"("})") +
      run("RESTORE", "bob", 50, 50, 200, "failed-item", R"({"failure":")" + failure + R"("})") +
      // RESTORE failed, then succeeded on the retry: done, not failed
      run("TRANSFER", "carol", 10, 20, 10) +
      run("RESTORE", "carol", 30, 35, 10, "failed-item", R"({"failure":"killed"})") +
      worker("success-item", "RESTORE", "carol", "{}", typed(60)) +
      // dangerous items in RESTORE
      run("TRANSFER", "dave", 10, 20, 10) +
      run("RESTORE", "dave", 30, 70, 10, "warning-item",
          R"({"dangerous_items":2,"contents":{"dangerous_items":["grants skipped"]}})") +
      // still in TRANSFER
      worker("start-item", "TRANSFER", "erin", R"({"size":5})", typed(80)) +
      // failed in TRANSFER alone (no RESTORE line yet): failed, so done
      run("TRANSFER", "frank", 10, 90, 1, "failed-item", R"({"failure":"no"})") +
      // not an account: left out of everything
      worker("failed-item", "TRANSFER", "zz", R"({"failure":"x"})", typed(90, "MySQLDatabase"));
  const auto o = overview_of(log);
  CHECK(o.accounts.total == 6);
  CHECK(o.accounts.seen == 6);  // alice bob carol dave erin frank
  CHECK(o.accounts.done == 5);  // all but erin
  CHECK(o.accounts.failed == 2);
  CHECK(o.accounts.with_dangerous_items == 1);
  CHECK(o.accounts.remaining == 1);
  REQUIRE(o.failed_accounts.size() == 2);
  CHECK(o.failed_accounts[0].account == "bob");
  CHECK(o.failed_accounts[0].queue == "TRANSFER");
  CHECK(o.failed_accounts[0].failure == failure);
  CHECK(o.failed_accounts[0].cause == "The account “…” already exists on “…”.");
  CHECK(o.failed_accounts[1].account == "frank");
  REQUIRE(o.dangerous_accounts.size() == 1);
  CHECK(o.dangerous_accounts[0].account == "dave");
  CHECK(o.dangerous_accounts[0].dangerous_items == 2);
  REQUIRE(o.dangerous_accounts[0].texts != nullptr);
  CHECK(*o.dangerous_accounts[0].texts == std::vector<std::string>{"grants skipped"});
}

TEST_CASE("the first failure is the first by line, and a RESTORE-only failure counts") {
  const std::string log =
      header(2) + run("TRANSFER", "a", 0, 10, 1) +
      run("RESTORE", "a", 20, 30, 1, "failed-item", R"({"failure":"restore broke for a"})") +
      run("TRANSFER", "b", 0, 5, 1, "failed-item", R"({"failure":"second"})");
  const auto o = overview_of(log);
  REQUIRE(o.failed_accounts.size() == 2);
  CHECK(o.failed_accounts[0].queue == "RESTORE");
  CHECK(o.failed_accounts[0].cause == "restore broke for <account>");
  CHECK(o.failed_accounts[1].account == "b");
  CHECK(o.accounts.done == 2);
  CHECK(o.accounts.remaining == 0);

  const auto two = overview_of(
      header(1) + worker("failed-item", "RESTORE", "c", R"({"failure":"first"})", typed(5)) +
      worker("failed-item", "TRANSFER", "c", R"({"failure":"later"})", typed(6)));
  REQUIRE(two.failed_accounts.size() == 1);
  CHECK(two.failed_accounts[0].queue == "RESTORE");
  CHECK(two.failed_accounts[0].failure == "first");
  // A failure with no text: null, and an empty cause.
  const auto bare = overview_of(header(1) + worker("failed-item", "TRANSFER", "d", "{}", typed(5)));
  REQUIRE(bare.failed_accounts.size() == 1);
  CHECK_FALSE(bare.failed_accounts[0].failure);
  CHECK(bare.failed_accounts[0].cause.empty());
}

TEST_CASE("the total: TRANSFER's queue_count, else RESTORE's, else the accounts seen") {
  CHECK(overview_of(header(7)).accounts.total == 7);
  CHECK(overview_of(header(7)).accounts.remaining == 7);
  CHECK(overview_of(queue_line("queue_count", "RESTORE", "4")).accounts.total == 4);
  const auto seen =
      overview_of(worker("start", "TRANSFER", "a") + worker("start", "TRANSFER", "b"));
  CHECK(seen.accounts.total == 2);
  CHECK(seen.accounts.remaining == 2);
  // Nothing known yet: unknown, not 0.
  const auto none = overview_of(control("start"));
  CHECK_FALSE(none.accounts.total);
  CHECK_FALSE(none.accounts.remaining);
  CHECK(none.accounts.done == 0);
  // More done than announced: nothing remains (never below 0).
  const auto over = overview_of(queue_line("queue_count", "TRANSFER", "1") +
                                run("RESTORE", "a", 0, 1, 1) + run("RESTORE", "b", 0, 1, 1));
  CHECK(over.accounts.remaining == 0);
}

TEST_CASE("throughput over a session shorter than the window: the whole session") {
  // Start at T0; accounts restored at +600, +1200, +1800 (sizes 100, 200, 300).
  const std::string log =
      header(10) + run("TRANSFER", "a", 0, 300, 100) + run("RESTORE", "a", 300, 600, 100) +
      run("TRANSFER", "b", 300, 900, 200) + run("RESTORE", "b", 900, 1200, 200) +
      run("TRANSFER", "c", 900, 1500, 300) + run("RESTORE", "c", 1500, 1800, 300) +
      worker("start-item", "TRANSFER", "d", R"({"size":1})", typed(1500));
  const auto o = overview_of(log);
  CHECK(o.throughput.window_seconds == 1800);
  CHECK(o.throughput.accounts_per_hour == 6.0);                   // 3 in 1800 s
  CHECK(o.throughput.bytes_per_hour == 1200.0);                   // 600 B in 1800 s
  CHECK(o.throughput.estimated_completion == kT0 + 1800 + 4200);  // 7 more at 600 s each
  CHECK_FALSE(o.from_exporter_clock);
  CHECK(o.accounts.done == 3);
  CHECK(o.accounts.remaining == 7);
  const auto& transfer = queue_of(o, "TRANSFER").throughput;
  CHECK(transfer.accounts_per_hour == 6.0);  // finished at +300, +900, +1500
  CHECK(transfer.bytes_per_hour == 1200.0);
  CHECK(transfer.estimated_completion == kT0 + 1800 + 4200);  // 10 - 3 finished
  CHECK(queue_of(o, "RESTORE").throughput.accounts_per_hour == 6.0);
}

TEST_CASE("throughput over the last hour of a longer session; the window is half-open") {
  // Restored at +1000, +3000, +3600 (the window's open end: out), +5000, +7200 (the last).
  std::string log = header(10);
  const std::int64_t done_at[] = {1000, 3000, 3600, 5000, 7200};
  for (int i = 0; i < 5; ++i) {
    log += run("RESTORE", "acct" + std::to_string(i), done_at[i] - 100, done_at[i], 1000);
  }
  const auto o = overview_of(log);
  CHECK(o.throughput.window_seconds == 3600);
  CHECK(o.throughput.accounts_per_hour == 2.0);
  CHECK(o.throughput.bytes_per_hour == 2000.0);
  CHECK(o.throughput.estimated_completion == kT0 + 7200 + 5 * 1800);
  // A shorter window, as an option.
  wte::log::OverviewOptions ten_minutes;
  ten_minutes.window_seconds = 600;
  const auto short_window = overview_of(log, ten_minutes);
  CHECK(short_window.throughput.window_seconds == 600);
  CHECK(short_window.throughput.accounts_per_hour == 6.0);  // one in 600 s
  CHECK(short_window.throughput.estimated_completion == kT0 + 7200 + 5 * 600);
}

TEST_CASE("estimates: unknown at rate 0, without a window, and once the state is final") {
  // Nothing finished in the window: the rate is 0, the completion unknown.
  const auto idle = overview_of(header(3) + control("version", "2.3", at(600)));
  CHECK(idle.throughput.accounts_per_hour == 0.0);
  CHECK_FALSE(idle.throughput.estimated_completion);
  // One instant: no window at all.
  const auto instant = overview_of(header(3) + run("RESTORE", "a", 0, 0, 1));
  CHECK_FALSE(instant.throughput.window_seconds);
  CHECK_FALSE(instant.throughput.accounts_per_hour);
  CHECK_FALSE(instant.throughput.estimated_completion);
  // COMPLETED (or ABORTED, FAILED; the API's state when given): no estimate, still a rate.
  const std::string ran = header(3) + run("RESTORE", "a", 0, 600, 1);
  CHECK(overview_of(ran).throughput.estimated_completion == kT0 + 600 + 2 * 600);
  const auto completed = overview_of(ran + control("complete", "null", at(600)));
  CHECK(completed.throughput.accounts_per_hour == 6.0);
  CHECK_FALSE(completed.throughput.estimated_completion);
  wte::log::OverviewOptions api_says;
  api_says.state = "ABORTED";
  CHECK_FALSE(overview_of(ran, api_says).throughput.estimated_completion);
  // Nothing left: completion is the last time.
  const auto all_done = overview_of(header(1) + run("RESTORE", "a", 0, 600, 1));
  CHECK(all_done.throughput.estimated_completion == kT0 + 600);
}

TEST_CASE("a log without times: unknown, unless fed with the exporter's clock") {
  const std::string start = control("start") + queue_line("queue_count", "TRANSFER", "10");
  auto restored = [](const std::string& item) {
    return worker("start-item", "RESTORE", item, R"("5")") +
           worker("success-item", "RESTORE", item, R"({"size":"5"})");
  };
  SUBCASE("without a clock everything about time is unknown") {
    const auto o = overview_of(start + restored("a") + restored("b"));
    CHECK(o.accounts.done == 2);
    CHECK_FALSE(o.throughput.window_seconds);
    CHECK_FALSE(o.throughput.accounts_per_hour);
    CHECK_FALSE(o.throughput.bytes_per_hour);
    CHECK_FALSE(o.throughput.estimated_completion);
    CHECK_FALSE(o.from_exporter_clock);
    CHECK(o.slowest().empty());
  }
  SUBCASE("with it: the backlog at the first read is not a burst") {
    wte::log::MasterLog log;
    log.feed(start + restored("a") + restored("b") + restored("c"), 1000.9);  // read at once
    log.feed(restored("d"), 1600.0);
    log.feed(restored("e"), 2200.5);
    const auto o = session_overview(log.model());
    CHECK(o.from_exporter_clock);
    CHECK(log.model().times().first == 1000);
    CHECK(log.model().times().last == 2200);
    CHECK(o.throughput.window_seconds == 1200);
    CHECK(o.throughput.accounts_per_hour == 6.0);  // d and e in (1000, 2200]
    CHECK(o.throughput.bytes_per_hour == 30.0);
    CHECK(o.throughput.estimated_completion == 2200 + 5 * 600);
  }
}

TEST_CASE("slowest accounts: per queue, longest first, the N kept") {
  std::string log = header(4) + run("TRANSFER", "a", 0, 100, 1) + run("TRANSFER", "b", 0, 300, 1) +
                    run("TRANSFER", "c", 0, 200, 1) + run("TRANSFER", "d", 50, 350, 1) +
                    run("RESTORE", "a", 100, 1100, 1) +
                    // a retry: from the first start to the last result
                    run("RESTORE", "b", 300, 400, 1, "failed-item", R"({"failure":"x"})") +
                    worker("success-item", "RESTORE", "b", "{}", typed(2300));
  wte::log::OverviewOptions two;
  two.slowest_per_queue = 2;
  const auto o = overview_of(log, two);
  const auto& t = queue_of(o, "TRANSFER").slowest;
  REQUIRE(t.size() == 2);
  CHECK(t[0].account == "b");  // 300 s, before d's 300 s: it came first
  CHECK(t[0].seconds == 300);
  CHECK(t[1].account == "d");
  CHECK(t[1].seconds == 300);
  const auto& r = queue_of(o, "RESTORE").slowest;
  REQUIRE(r.size() == 2);
  CHECK(r[0].account == "b");
  CHECK(r[0].seconds == 2000);
  CHECK(r[1].seconds == 1000);
  const auto all = o.slowest();
  REQUIRE(all.size() == 4);
  CHECK(all[0].queue == "RESTORE");
  CHECK(all[0].seconds == 2000);
  CHECK(all[3].seconds == 300);
  CHECK(all[3].account == "d");
  // The default keeps 10 per queue.
  CHECK(queue_of(overview_of(log), "TRANSFER").slowest.size() == 4);
}

// ---- against generated logs ------------------------------------------------------------

namespace {

struct Truth {
  std::int64_t seen = 0, done = 0, failed = 0, dangerous = 0;
  std::int64_t done_in_window = 0, bytes_in_window = 0;
  std::vector<std::pair<std::string, std::string>> first_failures;  // account, queue
  std::map<std::string, std::vector<std::int64_t>> durations;       // per queue, sorted
};

// What the generator wrote, reduced the way the contract defines it, independently of
// the engine: the window is (last - w, last] of the log's own times.
Truth truth_of(const wte::loggen::Expected& e, std::int64_t window) {
  Truth t;
  const std::int64_t last = *e.last_event_at;
  const std::int64_t w = std::min(window, last - *e.started_at);
  for (const auto& a : e.accounts) {
    ++t.seen;
    const wte::loggen::ExpectedAccountItem* first_failed = nullptr;
    std::int64_t size = 0;
    bool dangerous = false;
    for (const auto& i : a.items) {
      if (i.failed && (!first_failed || i.result_line < first_failed->result_line)) {
        first_failed = &i;
      }
      size = std::max(size, i.size.value_or(0));
      dangerous = dangerous || i.dangerous_items > 0;
      if (i.started_at && i.result_at) t.durations[i.queue].push_back(*i.result_at - *i.started_at);
    }
    const auto* restore = a.item("RESTORE");
    const bool restored = restore && restore->result_line > 0;
    if (first_failed) {
      ++t.failed;
      t.first_failures.emplace_back(a.name, first_failed->queue);
    }
    if (dangerous) ++t.dangerous;
    if (first_failed || restored) {
      ++t.done;
      const std::int64_t when = *(first_failed ? first_failed : restore)->result_at;
      if (when > last - w) {
        ++t.done_in_window;
        t.bytes_in_window += size;
      }
    }
  }
  for (auto& [q, d] : t.durations) std::sort(d.rbegin(), d.rend());
  return t;
}

Truth check_generated(const wte::loggen::LogSpec& spec) {
  wte::loggen::Expected e;
  const std::string text = wte::loggen::generate_text(spec, &e);
  const auto log = summarize(text);
  wte::log::OverviewOptions options;
  options.window_seconds = 600;
  options.slowest_per_queue = 5;
  const auto o = session_overview(log.model(), options);
  const Truth t = truth_of(e, options.window_seconds);
  CHECK(o.accounts.seen == t.seen);
  CHECK(o.accounts.total == static_cast<std::int64_t>(spec.accounts));
  CHECK(o.accounts.done == t.done);
  CHECK(o.accounts.failed == t.failed);
  CHECK(o.accounts.with_dangerous_items == t.dangerous);
  CHECK(o.accounts.remaining == static_cast<std::int64_t>(spec.accounts) - t.done);
  REQUIRE(o.failed_accounts.size() == t.first_failures.size());
  for (std::size_t i = 0; i < t.first_failures.size(); ++i) {
    CHECK(o.failed_accounts[i].account == t.first_failures[i].first);
    CHECK(o.failed_accounts[i].queue == t.first_failures[i].second);
  }
  const std::int64_t w =
      std::min<std::int64_t>(options.window_seconds, *e.last_event_at - *e.started_at);
  CHECK(o.throughput.window_seconds == w);
  CHECK(o.throughput.accounts_per_hour ==
        static_cast<double>(t.done_in_window) * 3600.0 / static_cast<double>(w));
  CHECK(o.throughput.bytes_per_hour ==
        static_cast<double>(t.bytes_in_window) * 3600.0 / static_cast<double>(w));
  for (const auto& q : o.queues) {
    CAPTURE(q.queue);
    const auto& d = t.durations.at(std::string(q.queue));
    REQUIRE(q.slowest.size() == std::min<std::size_t>(5, d.size()));
    for (std::size_t i = 0; i < q.slowest.size(); ++i) CHECK(q.slowest[i].seconds == d[i]);
  }
  return t;
}

}  // namespace

TEST_CASE("generated logs: account outcomes, throughput and slowest match the generator") {
  Truth sum;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    wte::loggen::LogSpec spec;
    spec.seed = seed;
    spec.accounts = 60;
    spec.workers = 1 + static_cast<unsigned>(seed % 4);
    spec.failure_rate = 0.15;
    spec.dangerous_rate = 0.15;
    spec.child_failed_rate = 0.1;
    spec.end_state = seed % 2 ? "COMPLETED" : "RUNNING";
    const Truth t = check_generated(spec);
    sum.failed += t.failed;
    sum.dangerous += t.dangerous;
    sum.done_in_window += t.done_in_window;
    sum.done += t.done;
    sum.seen += t.seen;
  }
  // The logs had every case in them.
  CHECK(sum.failed > 10);
  CHECK(sum.dangerous > 10);
  CHECK(sum.done_in_window > 10);
  CHECK(sum.done < sum.seen);  // the running ones stopped half-way
}

TEST_CASE("a generated running session: the estimate follows from its rate") {
  wte::loggen::LogSpec spec;
  spec.seed = 3;
  spec.accounts = 200;
  spec.end_state = "RUNNING";
  wte::loggen::Expected e;
  const auto log = summarize(wte::loggen::generate_text(spec, &e));
  const auto o = session_overview(log.model());
  REQUIRE(o.throughput.accounts_per_hour);
  REQUIRE(*o.throughput.accounts_per_hour > 0);
  REQUIRE(o.accounts.remaining);
  CHECK(*o.accounts.remaining > 0);
  const double seconds_left =
      static_cast<double>(*o.accounts.remaining) * 3600.0 / *o.throughput.accounts_per_hour;
  CHECK(o.throughput.estimated_completion == *e.last_event_at + std::llround(seconds_left));
}
