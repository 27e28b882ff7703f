// The summary of every session at once: states counted, accounts and bytes summed, and rate
// and estimate taken from the sessions still running only.
#include "status/sessions_summary.hpp"

#include <doctest/doctest.h>

#include "log/log_builder.hpp"
#include "support/fake_status_source.hpp"

using wte::log::SessionOverview;
using wte::status::SessionsSummary;
using wte::test::FakeStatusSource;

namespace {

// Adds every session of `src`, each with `overview`, `stalled` when it is the session id
// `stalled_id`.
void add_all(SessionsSummary& summary, const FakeStatusSource& src, const SessionOverview& overview,
             const std::string& stalled_id = "") {
  src.for_each_session([&](const wte::sources::SessionView& v) {
    std::optional<double> stalled;
    if (v.session_id == stalled_id) stalled = 600;
    wte::status::add_session(summary, v, overview, stalled);
  });
}

SessionOverview running_overview() {
  SessionOverview o;
  o.accounts.total = 10;
  o.accounts.done = 4;
  o.accounts.failed = 1;
  o.accounts.with_dangerous_items = 2;
  o.accounts.remaining = 6;
  o.throughput.accounts_per_hour = 30;
  o.throughput.estimated_completion = 1'700'003'600;
  return o;
}

}  // namespace

TEST_CASE("sessions by state: the API's, else the log's, else unknown") {
  FakeStatusSource src;
  src.add_session("h", "api", wte::test::control("start")).api_state = "PAUSED";
  src.add_session("h", "log", wte::test::control("start"));  // the log says RUNNING
  src.add_session("h", "none", "").log_read = false;
  SessionsSummary summary;
  add_all(summary, src, SessionOverview{});
  CHECK(summary.sessions_by_state.size() == 3);
  CHECK(summary.sessions_by_state.at("PAUSED") == 1);
  CHECK(summary.sessions_by_state.at("RUNNING") == 1);
  CHECK(summary.sessions_by_state.at("unknown") == 1);
}

TEST_CASE("accounts add up; an unknown total or remainder adds nothing") {
  FakeStatusSource src;
  src.add_session("h", "a", wte::test::control("start"));
  src.add_session("h", "b", wte::test::control("start"));
  SessionsSummary summary;
  add_all(summary, src, running_overview());
  SessionOverview unknown_total = running_overview();
  unknown_total.accounts.total.reset();
  unknown_total.accounts.remaining.reset();
  add_all(summary, src, unknown_total);
  CHECK(summary.accounts_total == 20);
  CHECK(summary.accounts_done == 16);
  CHECK(summary.accounts_failed == 4);
  CHECK(summary.accounts_with_dangerous_items == 8);
  CHECK(summary.accounts_remaining == 12);
}

TEST_CASE("bytes: TRANSFER's queue_size, else RESTORE's; done is RESTORE's bytes finished") {
  using wte::test::queue_line;
  using wte::test::worker;
  FakeStatusSource src;
  src.add_session("h", "both",
                  queue_line("queue_size", "TRANSFER", "1000") +
                      queue_line("queue_size", "RESTORE", "900") +
                      worker("start-item", "RESTORE", "a", R"({"size":300})") +
                      worker("success-item", "RESTORE", "a"));
  src.add_session("h", "restore_only", queue_line("queue_size", "RESTORE", "50"));
  src.add_session("h", "transfer_done",
                  worker("start-item", "TRANSFER", "b", R"({"size":70})") +
                      worker("success-item", "TRANSFER", "b"));
  SessionsSummary summary;
  add_all(summary, src, SessionOverview{});
  CHECK(summary.bytes_total == 1050);
  CHECK(summary.bytes_done == 300);  // TRANSFER's finished bytes are not done yet
}

TEST_CASE("rate and estimate: the running sessions', the latest estimate") {
  FakeStatusSource src;
  src.add_session("h", "a", wte::test::control("start"));
  src.add_session("h", "b", wte::test::control("start"));
  src.add_session("h", "done", wte::test::control("start")).api_state = "COMPLETED";
  SessionsSummary summary;
  SessionOverview later = running_overview();
  later.throughput.estimated_completion = 1'700'009'000;
  add_all(summary, src, running_overview());  // three sessions, the final one left out
  src.for_each_session([&](const wte::sources::SessionView& v) {
    if (v.session_id == "b") wte::status::add_session(summary, v, later, std::nullopt);
  });
  REQUIRE(summary.accounts_per_hour);
  CHECK(*summary.accounts_per_hour == doctest::Approx(90));
  CHECK(summary.estimated_completion == 1'700'009'000);
  CHECK(summary.sessions_without_estimate == 0);
}

TEST_CASE("a running session with accounts left and no estimate is counted apart") {
  FakeStatusSource src;
  src.add_session("h", "a", wte::test::control("start"));
  SessionOverview no_estimate = running_overview();
  no_estimate.throughput = {};
  SessionsSummary summary;
  add_all(summary, src, no_estimate);
  CHECK(summary.sessions_without_estimate == 1);
  CHECK_FALSE(summary.accounts_per_hour);
  CHECK_FALSE(summary.estimated_completion);

  SessionOverview nothing_left = no_estimate;
  nothing_left.accounts.remaining = 0;
  add_all(summary, src, nothing_left);
  CHECK(summary.sessions_without_estimate == 1);  // nothing to estimate

  SessionOverview remainder_unknown = no_estimate;
  remainder_unknown.accounts.remaining.reset();
  add_all(summary, src, remainder_unknown);
  CHECK(summary.sessions_without_estimate == 2);  // may have accounts left
}

TEST_CASE("stalled sessions and hosts down") {
  FakeStatusSource src;
  src.add_session("h", "a", wte::test::control("start"));
  src.add_session("h", "b", wte::test::control("start"));
  SessionsSummary summary;
  add_all(summary, src, SessionOverview{}, "b");
  CHECK(summary.sessions_stalled == 1);

  src.add_host("up");
  src.add_host("down").up = false;
  wte::test::FakeHost& never = src.add_host("not polled yet");
  never.up = false;
  never.polled = false;
  src.for_each_host([&](const wte::sources::HostView& h) { wte::status::add_host(summary, h); });
  CHECK(summary.hosts_down == 1);
}
