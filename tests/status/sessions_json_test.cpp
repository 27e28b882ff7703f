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
#include "metrics/fake_status_source.hpp"
#include "support/test_files.hpp"

using wte::status::sessions_json;
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

TEST_CASE("an exporter with nothing: empty arrays") {
  const FakeStatusSource empty;
  CHECK(sessions_json(empty) == R"({"sessions":[],"hosts":[]})");
}

TEST_CASE("sessions: fields, and the summary is exactly summary_json's document") {
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
    const auto expected = parse(wte::log::summary_json(fakes[i]->log.model()));
    CHECK(sessions[i]["summary"] == expected);
  }
  CHECK(sessions[0]["summary"]["queues"]["RESTORE"]["items_failed"].GetInt() == 1);
  CHECK(sessions[1]["summary"]["queues"]["RESTORE"]["dangerous_items"].GetInt() == 1);
  CHECK(s0.MemberCount() == 10);  // with account_names
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
