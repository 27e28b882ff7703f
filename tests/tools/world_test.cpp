#include "whm-sim/world.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>

#include "loggen/log_generator.hpp"

using namespace wte::whmsim;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0{std::chrono::hours(1)};
constexpr std::string_view kToken = "T0KEN-abc";
constexpr std::string_view kAccessDenied =
    R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}})";

std::string log_of(std::uint64_t seed, std::size_t accounts = 6) {
  wte::loggen::LogSpec spec;
  spec.seed = seed;
  spec.accounts = accounts;
  spec.failure_rate = 0.5;  // failure texts carry typographic quotes
  return wte::loggen::generate_text(spec);
}

// sim0 (new style) with sessions A and B, sim1 (old style) with C; 10 lines a second.
struct Fixture {
  World world;
  std::string log_a = log_of(1), log_b = log_of(2), log_c = log_of(3);

  Fixture() {
    for (int h = 0; h < 2; ++h) {
      HostSpec host;
      host.name = "sim" + std::to_string(h);
      host.token = std::string(kToken);
      host.style = h == 0 ? ResponseStyle::modern : ResponseStyle::legacy;
      world.add_host(host);
    }
    world.add_session(0, {"A", log_a, 10, t0, std::nullopt});
    world.add_session(0, {"B", log_b, 10, t0, std::nullopt});
    world.add_session(1, {"C", log_c, 10, t0, std::nullopt});
  }

  static wte::web::Request request(std::string_view call, std::string_view id,
                                   std::string_view auth = {},
                                   std::string_view logfile = "master.log") {
    wte::web::Request r;
    r.method = "GET";
    r.path = "/json-api/" + std::string(call);
    r.query =
        "api.version=1&transfer_session_id=" + std::string(id) + "&logfile=" + std::string(logfile);
    r.target = r.path + "?" + r.query;
    r.headers.emplace_back("authorization",
                           auth.empty() ? "whm root:" + std::string(kToken) : std::string(auth));
    return r;
  }
  SimReply state(std::size_t host, std::string_view id, Clock::time_point now = t0 + 1s) {
    return world.handle(host, request("get_transfer_session_state", id), now);
  }
  // The whole log once the session has ended (held while it runs: cPanel's default).
  SimReply fetch(std::size_t host, std::string_view id, Clock::time_point now = t0 + 1s) {
    return world.handle(host, request("fetch_transfer_session_log", id), now);
  }
  // The active log as written so far.
  SimReply read(std::size_t host, std::string_view id, Clock::time_point now = t0 + 1s) {
    return world.handle(host, request("fetch_transfer_session_log", id, {}, ".master.log"), now);
  }
  void fault(std::string_view name, std::string_view value = "", std::string_view session = {},
             std::string_view host = "sim0") {
    REQUIRE_FALSE(world.set_fault(host, session, name, value).has_value());
  }
};

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  return d;
}

std::string data_log(const SimReply& r) {
  const auto d = parse(r.response.body);
  REQUIRE_FALSE(d.HasParseError());
  return std::string(d["data"]["log"].GetString(), d["data"]["log"].GetStringLength());
}

int result_of(const SimReply& r) {
  const auto d = parse(r.response.body);
  REQUIRE_FALSE(d.HasParseError());
  const auto& result = d["metadata"]["result"];
  return result.IsString() ? std::stoi(result.GetString()) : result.GetInt();
}

std::string reason_of(const SimReply& r) {
  return parse(r.response.body)["metadata"]["reason"].GetString();
}

bool is_normal(const SimReply& r) {
  return r.response.status == 200 && !r.never && !r.held && r.delay == 0ms && !r.cut_body_at &&
         !parse(r.response.body).HasParseError();
}

}  // namespace

TEST_CASE("new-style answers: the documented envelope, result 1, application/json") {
  Fixture f;
  const SimReply r = f.state(0, "A");
  CHECK(r.response.status == 200);
  CHECK(r.response.content_type == "application/json");
  CHECK(
      r.response.body ==
      R"({"data":{"state_name":"RUNNING"},"metadata":{"command":"get_transfer_session_state","reason":"OK","result":1,"version":1}})");
  CHECK_FALSE(r.chunked);
  CHECK(f.state(0, "A", t0 - 1s).response.body.find("\"PENDING\"") != std::string::npos);
  CHECK(f.state(0, "A", t0 + 1h).response.body.find("\"COMPLETED\"") != std::string::npos);
}

TEST_CASE("the active log call returns the lines released so far; master.log the whole log") {
  Fixture f;
  const SimReply r = f.read(0, "A", t0 + 1500ms);
  CHECK(is_normal(r));
  const std::string log = data_log(r);
  CHECK(std::count(log.begin(), log.end(), '\n') == 15);
  CHECK(log == f.log_a.substr(0, log.size()));
  CHECK(data_log(f.fetch(0, "A", t0 + 1h)) == f.log_a);
  CHECK(data_log(f.read(0, "A", t0 - 1s)).empty());
  const auto d = parse(r.response.body);
  CHECK(d["metadata"]["command"] == "fetch_transfer_session_log");
  CHECK(d["metadata"]["result"].GetInt() == 1);
}

TEST_CASE("old-style answers: result \"1\", text/plain, chunked, non-ASCII escaped") {
  Fixture f;
  f.world.release_all();
  const SimReply r = f.fetch(1, "C");
  CHECK(r.response.content_type == "text/plain; charset=\"utf-8\"");
  CHECK(r.chunked);
  const auto d = parse(r.response.body);
  CHECK(d["metadata"]["result"].GetString() == std::string("1"));
  CHECK(f.log_c.find("“") != std::string::npos);
  CHECK(r.response.body.find("“") == std::string::npos);
  CHECK(r.response.body.find("\\u201C") != std::string::npos);
  CHECK(data_log(r) == f.log_c);
}

TEST_CASE("the token is checked") {
  Fixture f;
  const auto denied = [&](std::string_view auth) {
    const SimReply r =
        f.world.handle(0, Fixture::request("get_transfer_session_state", "A", auth), t0);
    return r.response.status == 403 && r.response.body == kAccessDenied;
  };
  CHECK_FALSE(denied("whm root:T0KEN-abc"));
  CHECK_FALSE(denied("WHM root:T0KEN-abc"));
  CHECK(denied("whm root:T0KEN-abd"));
  CHECK(denied("whm root:T0KEN-ab"));
  CHECK(denied("whm admin:T0KEN-abc"));
  CHECK(denied("Basic cm9vdDpUMEtFTi1hYmM="));
  CHECK(denied("whm T0KEN-abc"));
  wte::web::Request none = Fixture::request("get_transfer_session_state", "A");
  none.headers.clear();
  CHECK(f.world.handle(0, none, t0).response.status == 403);
  CHECK(token_matches(std::string_view("whm u:t"), "u", "t"));
  CHECK_FALSE(token_matches(std::string_view("whm u:"), "u", ""));  // no empty token ever
}

TEST_CASE("an unknown session is a result-0 answer with HTTP 200") {
  Fixture f;
  for (const SimReply& r : {f.state(0, "nope"), f.fetch(0, "nope"), f.state(1, "A")}) {
    CHECK(r.response.status == 200);
    const auto d = parse(r.response.body);
    REQUIRE_FALSE(d.HasParseError());
    CHECK_FALSE(d.HasMember("data"));
    const std::string reason = d["metadata"]["reason"].GetString();
    CHECK(reason.starts_with("API failure: The transfer session “"));
    CHECK(reason.find("” does not exist. (XID ") != std::string::npos);
  }
  CHECK(parse(f.state(1, "A").response.body)["metadata"]["result"].GetString() == std::string("0"));
  CHECK(parse(f.state(0, "nope").response.body)["metadata"]["result"].GetInt() == 0);
  const SimReply other = f.world.handle(0, Fixture::request("list_accounts", "A"), t0);
  CHECK(parse(other.response.body)["metadata"]["result"].GetInt() == 0);
}

TEST_CASE("every fault changes the answer, and clearing it restores the normal one") {
  Fixture f;
  const auto cleared = [&] {
    f.world.clear_faults();
    CHECK(is_normal(f.state(0, "A")));
    CHECK(is_normal(f.read(0, "A")));
  };
  cleared();

  f.fault("slow", "250");
  CHECK(f.state(0, "A").delay == 250ms);
  CHECK(f.read(0, "A").response.status == 200);
  cleared();

  f.fault("hang");
  CHECK(f.state(0, "A").never);
  CHECK(f.read(0, "A").never);
  CHECK(f.fetch(0, "A", t0 + 1h).never);
  cleared();

  // As no_dotted, whatever the host's log access: even one answering master.log at once.
  f.fault("hang_fetch_until_end", "", "", "sim1");
  f.fault("hang_fetch_until_end", "", "A");
  REQUIRE_FALSE(f.world.set_log_access("sim1", "old").has_value());
  CHECK(is_normal(f.state(1, "C")));
  CHECK(f.fetch(1, "C").held);
  CHECK(f.fetch(1, "C", t0 + 1h).response.status == 200);  // ended: answered, whole log
  CHECK(data_log(f.fetch(1, "C", t0 + 1h)) == f.log_c);
  CHECK(reason_of(f.read(1, "C")).starts_with("API failure: Invalid log file name"));
  CHECK(reason_of(f.read(0, "A")).starts_with("API failure: Invalid log file name"));
  CHECK(is_normal(f.read(0, "B")));  // a session's fault: not on its neighbour
  f.world.clear_faults();
  CHECK(is_normal(f.fetch(1, "C")));
  REQUIRE_FALSE(f.world.set_log_access("sim1", "modern").has_value());
  cleared();

  f.fault("cut_mid_body");
  {
    const SimReply r = f.read(0, "A");
    REQUIRE(r.cut_body_at);
    CHECK(*r.cut_body_at == r.response.body.size() / 2);
  }
  cleared();

  f.fault("invalid_json");
  CHECK(parse(f.state(0, "A").response.body).HasParseError());
  cleared();

  f.fault("truncated_json");
  {
    const SimReply r = f.state(0, "A");
    CHECK(r.response.status == 200);
    CHECK(parse(r.response.body).HasParseError());
    CHECK(r.response.body.size() < 70);
  }
  cleared();

  for (unsigned code : {500u, 502u}) {
    f.fault("http_status", std::to_string(code));
    const SimReply r = f.state(0, "A");
    CHECK(r.response.status == code);
    CHECK(r.response.content_type.starts_with("text/html"));
    cleared();
  }
  for (unsigned code : {401u, 403u}) {
    f.fault("http_status", std::to_string(code));
    const SimReply r = f.read(0, "A");
    CHECK(r.response.status == code);
    CHECK(r.response.body == kAccessDenied);
    cleared();
  }

  f.fault("result0");
  CHECK(parse(f.state(0, "A").response.body)["metadata"]["result"].GetInt() == 0);
  cleared();

  f.fault("wrong_token");
  CHECK(f.state(0, "A").response.status == 403);
  cleared();

  f.world.release_all();
  f.fault("shrink_log");
  {
    const std::string log = data_log(f.fetch(0, "A"));
    const auto all = std::count(f.log_a.begin(), f.log_a.end(), '\n');
    CHECK(std::count(log.begin(), log.end(), '\n') == all / 2);
    CHECK(log == f.log_a.substr(0, log.size()));
  }
  cleared();

  f.fault("replace_log", "C", "A");
  CHECK(data_log(f.fetch(0, "A")) == f.log_c);  // every session has ended (release_all)
  CHECK(data_log(f.fetch(0, "B")) == f.log_b);
  f.world.clear_faults();
  f.fault("replace_log", "", "A");  // another session's log, whichever
  CHECK(data_log(f.fetch(0, "A")) == f.log_b);
  cleared();

  f.fault("oversize", "100000");
  {
    const SimReply r = f.state(0, "A");
    CHECK(r.response.body.size() > 100000);
    CHECK_FALSE(parse(r.response.body).HasParseError());  // still valid, only too big
  }
  cleared();

  f.fault("delete_session", "1", "A");
  CHECK(parse(f.state(0, "A").response.body)["metadata"]["result"].GetInt() == 0);
  CHECK(parse(f.state(0, "B").response.body)["metadata"]["result"].GetInt() == 1);
  cleared();

  f.fault("refuse");
  f.fault("wrong_cert");
  CHECK(f.world.host_faults(0).refuse);
  CHECK(f.world.host_faults(0).wrong_cert);
  CHECK_FALSE(f.world.host_faults(1).refuse);
  cleared();
  CHECK_FALSE(f.world.host_faults(0).refuse);
}

TEST_CASE("session faults touch only their session; host faults every session") {
  Fixture f;
  f.fault("result0", "", "B");
  CHECK(is_normal(f.state(0, "A")));
  CHECK(parse(f.state(0, "B").response.body)["metadata"]["result"].GetInt() == 0);
  f.fault("slow", "90");
  CHECK(f.state(0, "A").delay == 90ms);
  CHECK(f.state(1, "C").delay == 0ms);
  f.fault("slow", "off");
  CHECK(f.state(0, "A").delay == 0ms);
  f.fault("result0", "0", "B");
  CHECK(is_normal(f.state(0, "B")));
}

TEST_CASE("bad fault requests are refused with a reason") {
  Fixture f;
  CHECK(f.world.set_fault("sim9", "", "hang", "").value().find("unknown host") !=
        std::string::npos);
  CHECK(f.world.set_fault("sim0", "", "explode", "").value().find("unknown fault") !=
        std::string::npos);
  CHECK(f.world.set_fault("sim0", "A", "refuse", "").value().find("whole host") !=
        std::string::npos);
  CHECK(f.world.set_fault("sim0", "Z", "hang", "").has_value());
  CHECK(f.world.set_fault("sim0", "", "slow", "soon").has_value());
  CHECK(f.world.set_fault("sim0", "", "http_status", "99").has_value());
  CHECK(f.world.set_fault("sim0", "", "replace_log", "../etc").has_value());
  CHECK_FALSE(f.world.set_fault("1", "", "hang", "").has_value());  // a host by index
  CHECK(f.world.host_faults(1).hang);
}

TEST_CASE("documented state names, when asked for") {
  World world;
  HostSpec host{"sim0", "root", std::string(kToken), ResponseStyle::modern, true};
  world.add_host(host);
  wte::loggen::LogSpec spec;
  spec.accounts = 4;
  const std::string log = wte::loggen::generate_text(spec);
  world.add_session(0, {"A", log, 1, t0, std::nullopt});
  const auto state = [&](Clock::time_point now) {
    const auto r = world.handle(0, Fixture::request("get_transfer_session_state", "A"), now);
    return std::string(parse(r.response.body)["data"]["state_name"].GetString());
  };
  CHECK(state(t0 - 1s) == "TRANSFER_PENDING");
  CHECK(state(t0 + 10s) == "TRANSFER_INPROGRESS");
  const auto lines = static_cast<long>(std::count(log.begin(), log.end(), '\n'));
  CHECK(state(t0 + std::chrono::seconds(lines - 2)) == "RESTORE_INPROGRESS");
  CHECK(state(t0 + 1h) == "COMPLETED");
}

TEST_CASE("the control API sets and clears faults, advances sessions and shows the state") {
  Fixture f;
  const auto call = [&](std::string method, std::string path, std::string body = {}) {
    wte::web::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    return f.world.control(r, t0 + 1s);
  };
  CHECK(call("POST", "/faults", R"({"host":"sim0","fault":"slow","value":300})").status == 200);
  CHECK(f.state(0, "A").delay == 300ms);
  CHECK(call("POST", "/faults", R"({"host":"sim0","fault":"hang","session":"B"})").status == 200);
  CHECK(f.state(0, "B").never);
  CHECK(call("POST", "/faults", R"({"host":1,"fault":"result0","value":true})").status == 200);
  CHECK(parse(f.state(1, "C").response.body)["metadata"]["result"].GetString() == std::string("0"));
  CHECK(call("POST", "/faults", R"({"host":"sim0","fault":"slow","value":false})").status == 200);
  CHECK(f.state(0, "A").delay == 0ms);
  const auto bad = call("POST", "/faults", R"({"host":"sim0","fault":"nonsense"})");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("unknown fault") != std::string::npos);
  CHECK(call("POST", "/faults", "not json").status == 400);
  CHECK(call("DELETE", "/faults").status == 200);
  CHECK(is_normal(f.state(0, "B")));

  CHECK(call("POST", "/sessions/advance", R"({"session":"B"})").status == 200);
  CHECK(data_log(f.fetch(0, "B")) == f.log_b);
  CHECK(data_log(f.read(0, "A")) != f.log_a);
  CHECK(call("POST", "/sessions/advance").status == 200);
  CHECK(data_log(f.fetch(0, "A")) == f.log_a);

  const auto state = call("GET", "/state");
  CHECK(state.status == 200);
  CHECK(state.body.find(kToken) == std::string::npos);  // the token never shows
  const auto d = parse(state.body);
  REQUIRE_FALSE(d.HasParseError());
  CHECK(d["hosts"].Size() == 2);
  CHECK(d["hosts"][1]["style"] == "old");
  const auto& a = d["hosts"][0]["sessions"][0];
  CHECK(a["id"] == "A");
  CHECK(a["state"] == "COMPLETED");
  CHECK(a["lines_released"] == a["lines_total"]);
  CHECK(a["bytes_total"].GetUint64() == f.log_a.size());
  CHECK(call("GET", "/nothing").status == 404);
}

// --- Log access (how master.log and .master.log answer) and held log requests ---

namespace {

SimReply log_call(Fixture& f, std::size_t host, std::string_view id, std::string_view logfile,
                  Clock::time_point now) {
  return f.world.handle(host, Fixture::request("fetch_transfer_session_log", id, {}, logfile), now);
}

// The end of session A of the fixture (its last line out).
Clock::time_point end_of(const std::string& log) {
  return t0 + std::chrono::milliseconds(100 * std::count(log.begin(), log.end(), '\n'));
}

// One session's entry in GET /state.
struct HeldCounts {
  std::uint64_t held, connected, max;
  bool operator==(const HeldCounts&) const = default;
};
HeldCounts held_counts(const World& world, std::size_t host, std::size_t session,
                       Clock::time_point now = t0) {
  const auto d = parse(world.state_json(now));
  const auto& s = d["hosts"][static_cast<rapidjson::SizeType>(host)]["sessions"]
                   [static_cast<rapidjson::SizeType>(session)];
  return {s["held_log_requests"].GetUint64(), s["held_log_requests_connected"].GetUint64(),
          s["max_held_log_requests"].GetUint64()};
}

bool not_found(const SimReply& r, std::string_view id, std::string_view name) {
  const std::string dir = "/var/cpanel/transfer_sessions/" + std::string(id) + "/";
  return r.response.status == 200 && result_of(r) == 0 &&
         reason_of(r).starts_with("API failure: The system failed to locate either the file “" +
                                  dir + "." + std::string(name) + "” or the file “" + dir +
                                  std::string(name) + "”. (XID ");
}

}  // namespace

TEST_CASE("modern (the default): master.log waits for the session's end, .master.log does not") {
  Fixture f;
  CHECK(f.world.host(0).log_access == LogAccess::modern);
  const auto end = end_of(f.log_a);
  // Active: master.log is held, without an answer; .master.log answers at once.
  const SimReply held = f.fetch(0, "A", t0 + 2s);
  REQUIRE(held.held);
  CHECK(held.response.body.empty());
  CHECK(f.fetch(0, "A", t0 - 1s).held);  // not started yet: active too
  CHECK(f.fetch(0, "A", end - 1ms).held);
  const SimReply active = f.read(0, "A", t0 + 2s);
  CHECK(is_normal(active));
  CHECK(result_of(active) == 1);
  const std::string so_far = data_log(active);
  CHECK(std::count(so_far.begin(), so_far.end(), '\n') == 20);
  CHECK(so_far == f.log_a.substr(0, so_far.size()));
  // Still waiting until the end; then the whole log.
  CHECK_FALSE(f.world.answer_held(*held.held, end - 1ms).has_value());
  const auto answered = f.world.answer_held(*held.held, end);
  REQUIRE(answered);
  CHECK(is_normal(*answered));
  CHECK(data_log(*answered) == f.log_a);
  CHECK_FALSE(f.world.answer_held(*held.held, end).has_value());  // answered once
  // Ended: master.log at once; .master.log is gone, with cPanel's not-found failure.
  CHECK(data_log(f.fetch(0, "A", end)) == f.log_a);
  const SimReply gone = f.read(0, "A", end);
  CHECK(not_found(gone, "A", ".master.log"));
  CHECK_FALSE(parse(gone.response.body).HasMember("data"));
  CHECK(is_normal(f.read(0, "B", end - 1h)));  // other sessions as they are
}

TEST_CASE("the session has ended only when its state is final and its log whole") {
  World world;
  world.add_host({"sim0", "root", std::string(kToken)});
  const std::string head =
      R"({"pid":1,"type":"control","contents":{"action":"start","child_number":0}})"
      "\n"
      R"({"pid":1,"type":"control","contents":{"action":"complete","child_number":0}})"
      "\n";
  const std::string tail =
      R"({"pid":2,"type":"control","contents":{"action":"complete","queue":"RESTORE"}})"
      "\n";
  world.add_session(0, {"A", head + tail, 1, t0, std::nullopt});  // a line after the end
  world.add_session(0, {"B", head.substr(0, head.find('\n') + 1), 1, t0, std::nullopt});
  const auto fetch = [&](std::string_view id, Clock::time_point now) {
    return world.handle(0, Fixture::request("fetch_transfer_session_log", id), now);
  };
  const auto state = [&](std::string_view id, Clock::time_point now) {
    const auto r = world.handle(0, Fixture::request("get_transfer_session_state", id), now);
    return std::string(parse(r.response.body)["data"]["state_name"].GetString());
  };
  // The state is COMPLETED a moment before the last line is written (and the log renamed).
  CHECK(state("A", t0 + 2s) == "COMPLETED");
  CHECK(fetch("A", t0 + 2s).held);
  CHECK(data_log(fetch("A", t0 + 3s)) == head + tail);
  // A log that never reaches a final state: its session never ends.
  CHECK(state("B", t0 + 1h) == "RUNNING");
  CHECK(fetch("B", t0 + 1h).held);
  CHECK(parse(world.state_json(t0 + 1h))["hosts"][0]["sessions"][1]["log_ended"].IsFalse());
  CHECK(parse(world.state_json(t0 + 3s))["hosts"][0]["sessions"][0]["log_ended"].IsTrue());
}

TEST_CASE("the active log sometimes ends in half a line, never in half a character") {
  Fixture f;
  std::size_t samples = 0, partial = 0;
  const auto sample = [&](std::size_t host, std::size_t index, const std::string& whole) {
    const std::string id = f.world.session_ids(host)[index];
    for (auto now = t0; now < end_of(whole); now += 7ms) {
      const std::string log = data_log(f.read(host, id, now));
      REQUIRE(log == whole.substr(0, log.size()));
      ++samples;
      if (log.empty() || log.back() == '\n') continue;
      ++partial;
      CHECK((static_cast<unsigned char>(whole[log.size()]) & 0xC0) != 0x80);
      // Half of the next line at most.
      const std::size_t begin = log.rfind('\n') + 1;
      const std::size_t line_end = whole.find('\n', begin) + 1;
      CHECK(log.size() - begin <= (line_end - begin) / 2);
      const auto d = parse(f.world.state_json(now));
      const auto& s = d["hosts"][static_cast<rapidjson::SizeType>(host)]["sessions"]
                       [static_cast<rapidjson::SizeType>(index)];
      CHECK(s["bytes_written"].GetUint64() == log.size());
      CHECK(s["bytes_released"].GetUint64() == begin);
    }
  };
  sample(0, 0, f.log_a);
  sample(0, 1, f.log_b);
  sample(1, 0, f.log_c);
  CHECK(partial > samples / 25);  // sometimes (about one read in eight) ...
  CHECK(partial < samples / 4);   // ... not often
  // Lines released ahead of their time are whole.
  f.world.release_all("sim0", "B");
  CHECK(data_log(f.fetch(0, "B", t0 + 50ms)) == f.log_b);
}

TEST_CASE("old: master.log answers at once with the log so far; .master.log is not found") {
  Fixture f;
  REQUIRE_FALSE(f.world.set_log_access("sim0", "old").has_value());
  const auto end = end_of(f.log_a);
  const SimReply r = f.fetch(0, "A", t0 + 2s);
  CHECK(is_normal(r));
  const std::string so_far = data_log(r);
  CHECK(std::count(so_far.begin(), so_far.end(), '\n') == 20);
  CHECK(so_far == f.log_a.substr(0, so_far.size()));
  CHECK(data_log(f.fetch(0, "A", end)) == f.log_a);
  CHECK(not_found(f.read(0, "A", t0 + 2s), "A", ".master.log"));
  CHECK(not_found(f.read(0, "A", end), "A", ".master.log"));
  // The old (11.44) response style on top: result "0" and \u escapes.
  REQUIRE_FALSE(f.world.set_log_access("sim1", "old").has_value());
  const SimReply legacy = f.read(1, "C", t0 + 2s);
  CHECK(parse(legacy.response.body)["metadata"]["result"].GetString() == std::string("0"));
  CHECK(legacy.response.body.find("\\u201C") != std::string::npos);
}

TEST_CASE("no_dotted: .master.log is refused at all times; master.log waits for the end") {
  Fixture f;
  REQUIRE_FALSE(f.world.set_log_access("sim0", "no_dotted").has_value());
  const auto end = end_of(f.log_a);
  for (const auto now : {t0 - 1s, t0 + 2s, end, end + 1h}) {
    const SimReply r = f.read(0, "A", now);
    CHECK(r.response.status == 200);
    CHECK(result_of(r) == 0);
    CHECK(reason_of(r).starts_with("API failure: Invalid log file name: “.master.log”. (XID "));
  }
  const SimReply held = f.fetch(0, "A", t0 + 2s);
  REQUIRE(held.held);
  CHECK_FALSE(f.world.answer_held(*held.held, end - 1ms));
  CHECK(data_log(f.world.answer_held(*held.held, end).value()) == f.log_a);
  CHECK(data_log(f.fetch(0, "A", end)) == f.log_a);
}

TEST_CASE("other log names: the error log is empty, anything else is not found or invalid") {
  Fixture f;
  for (const auto now : {t0 + 2s, end_of(f.log_a)}) {
    const SimReply error_log = log_call(f, 0, "A", "master.error_log", now);
    CHECK(is_normal(error_log));
    CHECK(data_log(error_log).empty());
    CHECK(not_found(log_call(f, 0, "A", "item-RESTORE_AccountRemoteRoot_colin", now), "A",
                    "item-RESTORE_AccountRemoteRoot_colin"));
    CHECK(not_found(log_call(f, 0, "A", "..master.log", now), "A", "..master.log"));
    for (const std::string_view bad :
         std::initializer_list<std::string_view>{"..", "a%2Fb", "", "."}) {
      const SimReply r = log_call(f, 0, "A", bad, now);
      CHECK(result_of(r) == 0);
      CHECK(reason_of(r).find("is not a valid") != std::string::npos);
    }
  }
}

TEST_CASE("held log requests are counted per session until their session ends") {
  Fixture f;
  const auto end = end_of(f.log_a);
  CHECK(held_counts(f.world, 0, 0) == HeldCounts{0, 0, 0});
  const auto first = f.fetch(0, "A", t0 + 1s).held.value();
  const auto second = f.fetch(0, "A", t0 + 2s).held.value();
  const auto on_b = f.fetch(0, "B", t0 + 2s).held.value();
  CHECK(first != second);
  CHECK(held_counts(f.world, 0, 0) == HeldCounts{2, 2, 2});
  CHECK(held_counts(f.world, 0, 1) == HeldCounts{1, 1, 1});
  CHECK(held_counts(f.world, 1, 0) == HeldCounts{0, 0, 0});

  // A client that gave up: cpsrvd's worker does not notice; it is still held, not connected.
  f.world.held_client_gone(first);
  f.world.held_client_gone(first);  // told twice: counted once
  CHECK(held_counts(f.world, 0, 0) == HeldCounts{2, 1, 2});
  CHECK_FALSE(f.world.answer_held(first, t0 + 3s));
  CHECK(held_counts(f.world, 0, 0) == HeldCounts{2, 1, 2});

  // The end answers both, the gone client's too (its answer goes nowhere).
  REQUIRE(f.world.answer_held(second, end));
  CHECK(held_counts(f.world, 0, 0) == HeldCounts{1, 0, 2});
  REQUIRE(f.world.answer_held(first, end));
  CHECK(held_counts(f.world, 0, 0) == HeldCounts{0, 0, 2});  // the high-water mark stays
  CHECK(held_counts(f.world, 0, 1) == HeldCounts{1, 1, 1});
  CHECK_FALSE(f.world.answer_held(12345, end));  // unknown: nothing

  // Reset: the mark restarts from what is held now.
  REQUIRE_FALSE(f.world.reset_max_held().has_value());
  CHECK(held_counts(f.world, 0, 0) == HeldCounts{0, 0, 0});
  CHECK(held_counts(f.world, 0, 1) == HeldCounts{1, 1, 1});
  f.world.drop_held();  // the server stopped
  CHECK(held_counts(f.world, 0, 1) == HeldCounts{0, 0, 1});
  CHECK_FALSE(f.world.answer_held(on_b, end_of(f.log_b)));
}

TEST_CASE("a held request is answered once what held it no longer does") {
  Fixture f;
  const auto id = f.fetch(0, "A", t0 + 1s).held.value();
  REQUIRE_FALSE(f.world.set_log_access("", "old").has_value());  // every host
  CHECK(f.world.host(1).log_access == LogAccess::old);
  const auto r = f.world.answer_held(id, t0 + 3s);
  REQUIRE(r);
  const std::string log = data_log(*r);
  CHECK(std::count(log.begin(), log.end(), '\n') == 30);
  CHECK(held_counts(f.world, 0, 0, t0 + 3s) == HeldCounts{0, 0, 1});
  CHECK(f.world.set_log_access("sim0", "new").value().find("modern, old or no_dotted") !=
        std::string::npos);
  CHECK(f.world.set_log_access("sim7", "old").value().find("unknown host") != std::string::npos);
}

TEST_CASE("the control API switches log access, shows held requests and resets the mark") {
  Fixture f;
  const auto call = [&](std::string method, std::string path, std::string body = {}) {
    wte::web::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.body = std::move(body);
    return f.world.control(r, t0 + 1s);
  };
  const auto state = [&] { return parse(call("GET", "/state").body); };
  CHECK(state()["hosts"][0]["log_access"] == "modern");
  CHECK(call("POST", "/log_access", R"({"host":"sim0","log_access":"no_dotted"})").status == 200);
  CHECK(call("POST", "/log_access", R"({"host":1,"log_access":"old"})").status == 200);
  CHECK(state()["hosts"][0]["log_access"] == "no_dotted");
  CHECK(state()["hosts"][1]["log_access"] == "old");
  CHECK(f.world.host(1).log_access == LogAccess::old);
  const auto bad = call("POST", "/log_access", R"({"host":"sim0","log_access":"ancient"})");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("no_dotted") != std::string::npos);
  CHECK(call("POST", "/log_access", R"({"host":"sim9","log_access":"old"})").status == 400);
  CHECK(call("DELETE", "/faults").status == 200);  // not a fault: clearing faults keeps it
  CHECK(state()["hosts"][0]["log_access"] == "no_dotted");

  const auto id = f.fetch(0, "A").held.value();
  f.fetch(0, "A");
  f.world.held_client_gone(id);
  const auto of_a = [&](const char* field) {
    const auto d = state();
    return d["hosts"][0]["sessions"][0][field].GetUint64();
  };
  CHECK(of_a("held_log_requests") == 2);
  CHECK(of_a("held_log_requests_connected") == 1);
  CHECK(of_a("max_held_log_requests") == 2);
  CHECK(state()["hosts"][0]["sessions"][0]["log_ended"].IsFalse());
  f.world.drop_held();
  CHECK(call("POST", "/sessions/reset_max_held", R"({"host":"sim0","session":"B"})").status == 200);
  CHECK(of_a("max_held_log_requests") == 2);  // another session's mark
  CHECK(call("POST", "/sessions/reset_max_held", R"({"session":"A"})").status == 200);
  CHECK(of_a("max_held_log_requests") == 0);
  CHECK(call("POST", "/sessions/reset_max_held", R"({"session":"Z"})").status == 400);
  CHECK(call("POST", "/sessions/reset_max_held").status == 200);
}
