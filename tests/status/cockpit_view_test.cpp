// The landing page's view of the sessions document: display order, the problems worst first,
// failed accounts grouped by cause, and unknown where the document says nothing.
#include "status/cockpit_view.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "status/big_cockpit_document.hpp"
#include "status/cockpit_fixture.hpp"

using wte::status::CockpitView;
using wte::status::read_cockpit_view;

namespace {

CockpitView fixture_view() {
  auto v = read_cockpit_view(wte::test::kCockpitFixture);
  REQUIRE(v.ok());
  return std::move(v).value();
}

std::vector<std::string> session_ids(const CockpitView& v, const std::vector<std::size_t>& at) {
  std::vector<std::string> out;
  for (const std::size_t i : at) out.push_back(v.sessions[i].id);
  return out;
}

}  // namespace

TEST_CASE("sessions and hosts: down hosts first, then in natural order") {
  const CockpitView v = fixture_view();
  std::vector<std::string> ids;
  for (const auto& s : v.sessions) ids.push_back(s.host + "/" + s.id);
  CHECK(ids == std::vector<std::string>{"sim10/down10", "sim0/paused0", "sim0/stalled0",
                                        "sim1/done1", "sim1/failed1", "sim2/run2",
                                        "sim3/unreadable3", "sim3/waiting3", "sim11/aborted11"});
  std::vector<std::string> hosts;
  for (const auto& h : v.hosts) hosts.push_back(h.name);
  CHECK(hosts ==
        std::vector<std::string>{"sim10", "sim0", "sim1", "sim2", "sim3", "sim4", "sim11"});
  CHECK(v.sessions[0].host_down);
  CHECK_FALSE(v.sessions[1].host_down);
  CHECK_FALSE(v.hosts[5].down());  // sim4: never polled, so not down
}

TEST_CASE("problems: each session once, in the first kind it belongs to") {
  const CockpitView v = fixture_view();
  CHECK(session_ids(v, v.failed_sessions) == std::vector<std::string>{"failed1", "aborted11"});
  CHECK(session_ids(v, v.stalled_sessions) == std::vector<std::string>{"stalled0"});
  REQUIRE(v.down_hosts.size() == 1);
  CHECK(v.hosts[v.down_hosts[0]].name == "sim10");
  CHECK(session_ids(v, v.stuck_sessions) == std::vector<std::string>{"paused0"});
  // down10 has a read error too, but its host is down: listed there.
  CHECK(session_ids(v, v.unreadable_sessions) == std::vector<std::string>{"unreadable3"});
}

TEST_CASE("stalled sessions: the longest stalled first") {
  std::string doc = R"({"sessions":[)";
  for (int i = 0; i < 3; ++i) {
    if (i) doc += ",";
    doc += R"({"host":"h","session_id":"s)" + std::to_string(i) +
           R"(","state":"RUNNING","stalled_seconds":)" + std::to_string(100 * (i % 2 + 1) + i) +
           "}";
  }
  doc += "]}";
  const auto v = read_cockpit_view(doc);
  REQUIRE(v.ok());
  CHECK(session_ids(v.value(), v.value().stalled_sessions) ==
        std::vector<std::string>{"s1", "s2", "s0"});
}

TEST_CASE("failed accounts grouped by cause, most accounts first; dangerous apart") {
  const CockpitView v = fixture_view();
  REQUIRE(v.causes.size() == 2);
  CHECK(v.causes[0].cause == "rsync: connection reset by <ip>");
  std::vector<std::string> accounts;
  for (const auto& r : v.causes[0].accounts) {
    accounts.push_back(v.sessions[r.session].failed_accounts[r.account].account);
  }
  CHECK(accounts == std::vector<std::string>{"ivan", "erin", "frank", "bob"});
  CHECK(v.causes[1].cause == "Disk quota exceeded (<n> MB)");
  CHECK(v.causes[1].accounts.size() == 2);
  REQUIRE(v.dangerous.size() == 1);
  const auto& d = v.sessions[v.dangerous[0].session].dangerous_accounts[v.dangerous[0].account];
  CHECK(d.account == "dave");
  CHECK(d.dangerous_items == 2);
  CHECK(d.texts.size() == 2);
  CHECK(v.altered_items == 7);  // 5 in run2, 2 in done1: counted, not listed
  CHECK(v.sessions_with_altered_items == 2);
}

TEST_CASE("the summary as the document gives it, states needing a look first") {
  const CockpitView v = fixture_view();
  const auto& s = v.summary;
  CHECK(s.known);
  CHECK(s.sessions == 9);
  CHECK(s.hosts == 7);
  std::vector<std::string> states;
  for (const auto& [state, n] : s.sessions_by_state)
    states.push_back(state + "=" + std::to_string(n));
  CHECK(states == std::vector<std::string>{"FAILED=1", "ABORTED=1", "PAUSED=1", "RUNNING=4",
                                           "COMPLETED=1", "unknown=1"});
  CHECK(s.accounts.total == 76);
  CHECK(s.accounts.done == 37);
  CHECK(s.accounts.failed == 6);
  CHECK(s.accounts.with_dangerous_items == 1);
  CHECK(s.accounts.remaining == 39);
  CHECK(s.bytes_total == 4294973296);
  CHECK(s.bytes_done == 2147489348);
  CHECK(s.accounts_per_hour == 11.75);
  CHECK(s.estimated_completion == 1700011948);
  CHECK(s.sessions_without_estimate == 3);
  CHECK(s.hosts_down == 1);
}

TEST_CASE("what the document does not say stays unknown") {
  const CockpitView v = fixture_view();
  const auto& waiting = v.sessions[7];
  REQUIRE(waiting.id == "waiting3");
  CHECK(waiting.waiting_for_end);
  CHECK_FALSE(waiting.accounts.total);
  CHECK_FALSE(waiting.accounts.done);
  CHECK_FALSE(waiting.accounts_per_hour);
  CHECK_FALSE(waiting.estimated_completion);
  CHECK_FALSE(waiting.stalled_seconds);
  CHECK(waiting.transfer() == nullptr);
  const auto& down = v.sessions[0];
  CHECK_FALSE(down.state);
  CHECK(down.unknown_reason == "connect: connection refused");
  CHECK(v.sessions[5].transfer()->bytes_total == 4294967296);

  // An exporter without the newer fields: no summary, no accounts; wrong types ignored.
  const auto old = read_cockpit_view(
      R"({"sessions":[{"host":"h","session_id":"s","state":"RUNNING","accounts":7,)"
      R"("failed_accounts":{"a":1},"estimated_completion":"soon","summary":{"queues":[]}}],)"
      R"("hosts":[{"name":"h","up":"yes","last_poll":"x"}]})");
  REQUIRE(old.ok());
  CHECK_FALSE(old.value().summary.known);
  CHECK(old.value().summary.sessions == 1);
  CHECK_FALSE(old.value().sessions[0].accounts.total);
  CHECK(old.value().sessions[0].failed_accounts.empty());
  CHECK_FALSE(old.value().sessions[0].estimated_completion);
  CHECK_FALSE(old.value().hosts[0].up);
  CHECK_FALSE(old.value().hosts[0].down());
}

TEST_CASE("a document that is not one is an error, never a crash") {
  CHECK_FALSE(read_cockpit_view("").ok());
  CHECK_FALSE(read_cockpit_view("{\"sessions\":[").ok());
  CHECK(read_cockpit_view("{\"sessions\":[")
            .error()
            .message.starts_with("the sessions document is not JSON: "));
  CHECK_FALSE(read_cockpit_view("[]").ok());
  const auto empty = read_cockpit_view("{}");
  REQUIRE(empty.ok());
  CHECK(empty.value().sessions.empty());
  CHECK(empty.value().hosts.empty());
}

TEST_CASE("a big migration: every session, every failed account in a group") {
  const auto v = read_cockpit_view(wte::test::big_cockpit_document());
  REQUIRE(v.ok());
  CHECK(v.value().sessions.size() == 500);
  std::size_t failed = 0;
  for (const auto& s : v.value().sessions) failed += s.failed_accounts.size();
  std::size_t grouped = 0;
  for (const auto& g : v.value().causes) grouped += g.accounts.size();
  CHECK(failed > 0);
  CHECK(grouped == failed);
  CHECK(v.value().causes.size() == 6);
  CHECK(v.value().down_hosts.size() == 1);
}
