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
                                   std::string_view auth = {}) {
    wte::web::Request r;
    r.method = "GET";
    r.path = "/json-api/" + std::string(call);
    r.query = "api.version=1&transfer_session_id=" + std::string(id) + "&logfile=master.log";
    r.target = r.path + "?" + r.query;
    r.headers.emplace_back("authorization",
                           auth.empty() ? "whm root:" + std::string(kToken) : std::string(auth));
    return r;
  }
  SimReply state(std::size_t host, std::string_view id, Clock::time_point now = t0 + 1s) {
    return world.handle(host, request("get_transfer_session_state", id), now);
  }
  SimReply fetch(std::size_t host, std::string_view id, Clock::time_point now = t0 + 1s) {
    return world.handle(host, request("fetch_transfer_session_log", id), now);
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

bool is_normal(const SimReply& r) {
  return r.response.status == 200 && !r.never && !r.wait_for_end && r.delay == 0ms &&
         !r.cut_body_at && !parse(r.response.body).HasParseError();
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

TEST_CASE("the log call returns the lines released so far, whole") {
  Fixture f;
  const SimReply r = f.fetch(0, "A", t0 + 1500ms);
  CHECK(is_normal(r));
  const std::string log = data_log(r);
  CHECK(std::count(log.begin(), log.end(), '\n') == 15);
  CHECK(log == f.log_a.substr(0, log.size()));
  CHECK(data_log(f.fetch(0, "A", t0 + 1h)) == f.log_a);
  CHECK(data_log(f.fetch(0, "A", t0 - 1s)).empty());
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
    CHECK(is_normal(f.fetch(0, "A")));
  };
  cleared();

  f.fault("slow", "250");
  CHECK(f.state(0, "A").delay == 250ms);
  CHECK(f.fetch(0, "A").response.status == 200);
  cleared();

  f.fault("hang");
  CHECK(f.state(0, "A").never);
  CHECK(f.fetch(0, "A").never);
  cleared();

  f.fault("hang_fetch_until_end");
  CHECK(is_normal(f.state(0, "A")));
  CHECK(f.fetch(0, "A").wait_for_end);
  CHECK(f.fetch(0, "A", t0 + 1h).response.status == 200);  // ended: answered, whole log
  CHECK(data_log(f.fetch(0, "A", t0 + 1h)) == f.log_a);
  cleared();

  f.fault("cut_mid_body");
  {
    const SimReply r = f.fetch(0, "A");
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
    const SimReply r = f.fetch(0, "A");
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
  CHECK(data_log(f.fetch(0, "A")) == f.log_c);
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
  CHECK(data_log(f.fetch(0, "A")) != f.log_a);
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
