// The /api/v1/sessions document: valid UTF-8 JSON whatever the input, each summary exactly
// log::summary_json's.
#include "status/sessions_json.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <string>
#include <vector>

#include "log/log_builder.hpp"
#include "log/summary_json.hpp"
#include "support/fake_status_source.hpp"
#include "support/test_files.hpp"

using wte::status::sessions_json;
using wte::status::SessionsJsonContext;
using wte::test::FakeStatusSource;

namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(json.c_str(), json.size());
  INFO("JSON: ", json.substr(0, 500));
  INFO("error: ", rapidjson::GetParseError_En(d.GetParseError()), " at ", d.GetErrorOffset());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsObject());
  return d;
}

std::string str(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

}  // namespace

TEST_CASE("an exporter with nothing: empty arrays, a summary of zeros") {
  const FakeStatusSource empty;
  CHECK(sessions_json(empty) ==
        R"({"sessions":[],"hosts":[],"summary":{"sessions_by_state":{},)"
        R"("accounts":{"total":0,"done":0,"failed":0,"with_dangerous_items":0,"remaining":0},)"
        R"("bytes_total":0,"bytes_done":0,"accounts_per_hour":null,"estimated_completion":null,)"
        R"("sessions_without_estimate":0,"sessions_stalled":0,"hosts_down":0}})");
}

TEST_CASE("sessions: fields, the overview's members, and the summary is summary_json's") {
  FakeStatusSource src;
  auto& a =
      src.add_session("h1", "openapi", wte::test::fixture_log("openapi-2020-failed-root.log"));
  a.api_state = "ABORTED";
  a.last_change = 1700000000.5;
  a.finished = true;
  auto& b = src.add_session("h2", "seed", wte::test::fixture_log("seed-2014-three-accounts.log"));
  b.last_error = "timeout: no answer";
  const auto d = parse(sessions_json(src));
  const auto& sessions = d["sessions"];
  REQUIRE(sessions.Size() == 2);

  const auto& s0 = sessions[0];
  CHECK(str(s0["host"]) == "h1");
  CHECK(str(s0["session_id"]) == "openapi");
  CHECK(str(s0["api_state"]) == "ABORTED");
  CHECK(str(s0["state"]) == "ABORTED");  // the API's wins
  CHECK(s0["finished"].GetBool());
  CHECK(s0["last_change"].GetDouble() == 1700000000.5);
  CHECK(str(s0["last_error"]) == "");

  const auto& s1 = sessions[1];
  CHECK(s1["api_state"].IsNull());
  CHECK(str(s1["state"]) == "COMPLETED");  // the log's
  CHECK_FALSE(s1["finished"].GetBool());
  CHECK(s1["last_change"].IsNull());
  CHECK(str(s1["last_error"]) == "timeout: no answer");

  const wte::test::FakeSession* fakes[] = {&a, &b};
  for (rapidjson::SizeType i = 0; i < 2; ++i) {
    // The log's summary without the overview, which is beside it, with the session's state.
    const auto expected = parse(wte::log::summary_json(fakes[i]->log.model(), {.overview = false}));
    CHECK(sessions[i]["summary"] == expected);
    wte::log::SummaryJsonOptions with_state;
    if (fakes[i]->api_state) with_state.overview_options.state = *fakes[i]->api_state;
    const auto overview = parse(wte::log::summary_json(fakes[i]->log.model(), with_state));
    for (const char* k : {"accounts", "throughput", "estimated_completion", "failed_accounts",
                          "dangerous_accounts", "slowest_accounts"}) {
      CAPTURE(k);
      CHECK(sessions[i][k] == overview[k]);
    }
  }
  CHECK(sessions[0]["summary"]["queues"]["RESTORE"]["items_failed"].GetInt() == 1);
  CHECK(sessions[1]["summary"]["queues"]["RESTORE"]["dangerous_items"].GetInt() == 1);
  CHECK(s0["accounts"]["failed"].GetInt() == 1);
  CHECK(str(s0["failed_accounts"][0]["cause"]) == "The account “…” already exists on “…”.");
  CHECK(str(s1["dangerous_accounts"][0]["account"]) == "colin");
  CHECK(s0["stalled_seconds"].IsNull());
  CHECK(s0.MemberCount() == 9 + 7 + 1);  // and account_names
  CHECK_FALSE(s0["waiting_for_end"].GetBool());
}

TEST_CASE("a host not polled yet has no up; a remote host shows how its logs are read") {
  FakeStatusSource src;
  auto& h = src.add_host("h1");
  h.polled = false;
  h.log_access = "waits_for_end";
  const auto d = parse(sessions_json(src));
  CHECK(d["hosts"][0]["up"].IsNull());
  CHECK(str(d["hosts"][0]["log_access"]) == "waits_for_end");
}

TEST_CASE("a session whose state is unknown says so, with the reason") {
  FakeStatusSource src;
  src.add_host("h1");
  auto& s = src.add_session("h1", "s1", "");
  s.log_read = false;
  s.unknown_reason = "connect: connection refused";
  s.waiting_for_end = true;
  const auto doc = parse(wte::status::sessions_json(src));
  const auto& s0 = doc["sessions"][0];
  CHECK(s0["state"].IsNull());
  CHECK(str(s0["state_unknown_reason"]) == "connect: connection refused");
  CHECK(s0["waiting_for_end"].GetBool());
}

TEST_CASE("hosts: every field, unknown times are null") {
  FakeStatusSource src;
  auto& up = src.add_host("up");
  up.kind = "local";
  up.last_success = 1700000000;
  up.last_poll = 1700000000;
  up.last_poll_duration = 0.25;
  up.tls_insecure = true;
  up.sessions = 7;
  auto& down = src.add_host("down");
  down.up = false;
  down.last_error_reason = "tls";
  down.last_error_message = "certificate verify failed";
  const auto d = parse(sessions_json(src));
  const auto& hosts = d["hosts"];
  REQUIRE(hosts.Size() == 2);
  CHECK(str(hosts[0]["name"]) == "up");
  CHECK(str(hosts[0]["kind"]) == "local");
  CHECK(hosts[0]["up"].GetBool());
  CHECK(hosts[0]["last_success"].GetDouble() == 1700000000);
  CHECK(hosts[0]["last_poll"].GetDouble() == 1700000000);
  CHECK(hosts[0]["last_poll_duration_seconds"].GetDouble() == 0.25);
  CHECK(str(hosts[0]["last_error_reason"]) == "");
  CHECK(hosts[0]["tls_insecure"].GetBool());
  CHECK(hosts[0]["sessions"].GetUint64() == 7);
  CHECK(hosts[0].MemberCount() == 12);
  CHECK(hosts[0]["log_access"].IsNull());  // a local host: not applicable
  CHECK_FALSE(hosts[1]["up"].GetBool());
  CHECK(hosts[1]["last_success"].IsNull());
  CHECK(hosts[1]["last_poll"].IsNull());
  CHECK(str(hosts[1]["last_error_reason"]) == "tls");
  CHECK(str(hosts[1]["last_error_message"]) == "certificate verify failed");
  CHECK(hosts[1]["sessions"].GetUint64() == 0);
}

TEST_CASE("hostile strings: the document is valid JSON and valid UTF-8") {
  FakeStatusSource src;
  auto& h = src.add_host("bad\xFF\"host\"\\\n");
  h.last_error_message = std::string("ctl\x01\x1f<script>", 13) + std::string(10 * 1024, 'm');
  h.last_poll_duration = std::numeric_limits<double>::quiet_NaN();
  std::string log = wte::test::control("start");
  log += wte::test::worker(
      "failed-item", "RESTORE", R"(it\"em\u0000)",
      R"({"failure":"x\ny\u0001 \"q\" \\ )" + std::string(5000, 'z') + "\xC3(\"}");
  auto& s = src.add_session("bad\xFF\"host\"\\\n", "s\xE2\x82", log);
  s.api_state = "\xF0\x9F";
  s.last_error = "\x7f";
  const auto d = parse(sessions_json(src));
  CHECK(str(d["hosts"][0]["name"]) == "bad\xEF\xBF\xBD\"host\"\\\n");
  CHECK(str(d["hosts"][0]["last_error_message"]).size() == 13 + 10 * 1024);
  CHECK(d["hosts"][0]["last_poll_duration_seconds"].IsNull());  // NaN has no JSON form
  const auto& session = d["sessions"][0];
  CHECK(str(session["host"]) == "bad\xEF\xBF\xBD\"host\"\\\n");
  CHECK(str(session["session_id"]).starts_with("s\xEF\xBF\xBD"));
  CHECK(str(session["state"]).starts_with("\xEF\xBF\xBD"));
  CHECK(str(session["last_error"]) == "\x7f");
  const auto& item = session["summary"]["items"][0];
  CHECK(str(item["item"]) == std::string("it\"em\0", 6));
  CHECK(str(item["failure"]).starts_with("x\ny\x01 \"q\" \\ zzz"));
}

TEST_CASE("without items: the summaries lack them, the account names stay") {
  FakeStatusSource src;
  std::string log = wte::test::control("start");
  log += wte::test::worker("start-item", "TRANSFER", "bob", "null",
                           R"(,"item_type":"AccountRemoteRoot")");
  log += wte::test::worker("start-item", "RESTORE", "bob", "null",
                           R"(,"item_type":"AccountRemoteRoot")");
  log += wte::test::worker("start-item", "TRANSFER", "alice", "null",
                           R"(,"item_type":"AccountLocal")");
  log +=
      wte::test::worker("start-item", "TRANSFER", "db1", "null", R"(,"item_type":"LocalDatabase")");
  log += wte::test::worker("start-item", "TRANSFER", "carol");
  src.add_session("h1", "s1", log);
  const auto full = parse(sessions_json(src));
  const auto& session = full["sessions"][0];
  REQUIRE(session["summary"].HasMember("items"));
  std::vector<std::string> names;
  for (const auto& n : session["account_names"].GetArray()) names.push_back(str(n));
  CHECK(names == std::vector<std::string>{"bob", "alice", "carol"});  // once each; no db1

  const auto lean = parse(sessions_json(src, {.items = false}));
  CHECK_FALSE(lean["sessions"][0]["summary"].HasMember("items"));
  CHECK(lean["sessions"][0]["summary"]["queues"] == session["summary"]["queues"]);
  CHECK(lean["sessions"][0]["account_names"] == session["account_names"]);
}

namespace {

// A running session: started at `start`, one of `total` accounts restored at `done_at`
// (times of its log), its log last seen growing at `last_change` (exporter clock).
std::string running_log(std::int64_t start, std::int64_t done_at, int total) {
  const auto t = [](std::int64_t v) { return R"(,"time":)" + std::to_string(v); };
  return wte::test::control("start", "null", t(start)) +
         wte::test::queue_line("queue_count", "TRANSFER", std::to_string(total)) +
         wte::test::queue_line("queue_size", "TRANSFER", "1000") +
         wte::test::worker("start-item", "RESTORE", "a", R"({"size":100})", t(start)) +
         wte::test::worker("success-item", "RESTORE", "a", "{}", t(done_at));
}

}  // namespace

TEST_CASE("stalled_seconds: running, no growth and no event for longer than the threshold") {
  FakeStatusSource src;
  auto& quiet = src.add_session("h1", "quiet", running_log(1000, 1600, 3));
  quiet.last_change = 1700.0;  // the log last grew at 1700; its last event is at 1600
  auto& busy = src.add_session("h1", "busy", running_log(1000, 1600, 3));
  busy.last_change = 2900.0;
  auto& done = src.add_session("h1", "done", running_log(1000, 1600, 3));
  done.api_state = "COMPLETED";
  auto& waiting = src.add_session("h1", "waiting", running_log(1000, 1600, 3));
  waiting.waiting_for_end = true;
  const auto d = parse(sessions_json(src, SessionsJsonContext{3000.0, 1200.0}));
  const auto& s = d["sessions"];
  REQUIRE(s[0]["stalled_seconds"].IsInt64());
  CHECK(s[0]["stalled_seconds"].GetInt64() == 1300);  // 3000 - 1700
  CHECK(s[1]["stalled_seconds"].IsNull());            // 100 s ago
  CHECK(s[2]["stalled_seconds"].IsNull());            // not running
  CHECK(s[3]["stalled_seconds"].IsNull());            // its log comes at the end
  CHECK(d["summary"]["sessions_stalled"].GetInt() == 1);
  // At the threshold it is not stalled yet.
  const auto later = parse(sessions_json(src, SessionsJsonContext{3000.0, 1300.0}));
  CHECK(later["sessions"][0]["stalled_seconds"].IsNull());
}

TEST_CASE("the summary: sessions by state, accounts, bytes, pace and the latest estimate") {
  FakeStatusSource src;
  src.add_host("up");
  auto& down = src.add_host("down");
  down.up = false;
  auto& never = src.add_host("never");
  never.polled = false;
  never.up = false;
  // Two running sessions: 1 of 3 in 600 s (6/h, 2 more by 1600 + 1200) and 1 of 5 in
  // 1200 s (3/h, 4 more by 2200 + 4800).
  src.add_session("up", "r1", running_log(1000, 1600, 3));
  src.add_session("up", "r2", running_log(1000, 2200, 5));
  // A completed one counts in the sums, not in the pace.
  src.add_session("down", "c1", wte::test::fixture_log("seed-2014-three-accounts.log"));
  auto& unknown = src.add_session("never", "u1", "");
  unknown.log_read = false;
  const auto d = parse(sessions_json(src, SessionsJsonContext{2200.0, 1800.0}));
  const auto& sum = d["summary"];
  CHECK(sum["sessions_by_state"]["RUNNING"].GetInt() == 2);
  CHECK(sum["sessions_by_state"]["COMPLETED"].GetInt() == 1);
  CHECK(sum["sessions_by_state"]["unknown"].GetInt() == 1);
  CHECK(sum["sessions_by_state"].MemberCount() == 3);
  CHECK(sum["accounts"]["total"].GetInt() == 3 + 5 + 3);
  CHECK(sum["accounts"]["done"].GetInt() == 1 + 1 + 3);
  CHECK(sum["accounts"]["with_dangerous_items"].GetInt() == 1);
  CHECK(sum["accounts"]["remaining"].GetInt() == 2 + 4);
  CHECK(sum["bytes_total"].GetInt() == 2000);  // the seed log has no queue_size
  CHECK(sum["bytes_done"].GetInt() == 200);    // its sizes are unknown too
  CHECK(sum["accounts_per_hour"].GetDouble() == 9.0);
  CHECK(sum["estimated_completion"].GetInt64() == 2200 + 4800);
  CHECK(sum["sessions_without_estimate"].GetInt() == 1);  // u1: nothing known
  CHECK(sum["hosts_down"].GetInt() == 1);  // "never" was never polled: not known to be down
  CHECK(d["sessions"][0]["estimated_completion"].GetInt64() == 1600 + 1200);
  CHECK(d["sessions"][0]["throughput"]["accounts_per_hour"].GetDouble() == 6.0);
  CHECK(d["sessions"][0]["throughput"]["window_seconds"].GetInt() == 600);
  CHECK_FALSE(d["sessions"][0]["throughput"]["from_exporter_clock"].GetBool());
}
