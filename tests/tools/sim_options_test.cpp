#include "whm-sim/sim_options.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <vector>

#include "log/master_log.hpp"

using namespace wte::whmsim;

namespace {

std::variant<SimOptions, std::string> parse(std::vector<std::string_view> args) {
  return parse_sim_options(args);
}

std::string error_of(std::vector<std::string_view> args) {
  auto r = parse(std::move(args));
  auto* e = std::get_if<std::string>(&r);
  return e ? *e : std::string();
}

wte::web::Request fetch_request(const std::string& id, std::string_view logfile = "master.log") {
  wte::web::Request r;
  r.method = "GET";
  r.path = "/json-api/fetch_transfer_session_log";
  r.query = "api.version=1&logfile=" + std::string(logfile) + "&transfer_session_id=" + id;
  r.headers.emplace_back("authorization", "whm root:tok");
  return r;
}

}  // namespace

TEST_CASE("flags are parsed; mistakes are named") {
  auto r = parse({"--token-file",
                  "t",
                  "--hosts",
                  "3",
                  "--port",
                  "0",
                  "--port",
                  "4444",
                  "--rate",
                  "2.5",
                  "--style",
                  "old",
                  "--log",
                  "a.log",
                  "--log",
                  "b.log",
                  "--fault",
                  "host=1,slow=300",
                  "--fault",
                  "host=sim0,session=X,hang",
                  "--end-state",
                  "ABORTED",
                  "--documented-states"});
  REQUIRE(std::holds_alternative<SimOptions>(r));
  const auto& o = std::get<SimOptions>(r);
  CHECK(o.hosts == 3);
  CHECK(o.ports == std::vector<unsigned short>{0, 4444});
  CHECK(o.rate == 2.5);
  CHECK(o.style == "old");
  CHECK(o.log_files.size() == 2);
  CHECK(o.end_state == "ABORTED");
  CHECK(o.documented_states);
  REQUIRE(o.faults.size() == 2);
  CHECK(o.faults[0].host == "1");
  CHECK(o.faults[0].name == "slow");
  CHECK(o.faults[0].value == "300");
  CHECK(o.faults[1].session == "X");
  CHECK(o.faults[1].name == "hang");

  CHECK(error_of({"--hosts", "2"}).find("--token-file") != std::string::npos);
  CHECK(error_of({"--token-file", "t", "--hosts", "x"}).find("--hosts") != std::string::npos);
  CHECK(error_of({"--token-file", "t", "--style", "ancient"}).find("--style") != std::string::npos);
  CHECK(error_of({"--token-file", "t", "--fault", "host=0,explode"}).find("unknown fault") !=
        std::string::npos);
  CHECK(error_of({"--token-file", "t", "--fault", "slow=3"}).find("host=") != std::string::npos);
  CHECK(error_of({"--token-file", "t", "--cert", "c"}).find("--key") != std::string::npos);
  CHECK(error_of({"--token-file", "t", "--bogus", "1"}).find("--bogus") != std::string::npos);
  CHECK(error_of({"--token-file"}).find("needs a value") != std::string::npos);
}

TEST_CASE("the world: hosts, styles, realistic ids, faults from flags") {
  auto r = parse({"--token-file", "t", "--hosts", "2", "--sessions-per-host", "2", "--style",
                  "mixed", "--accounts", "3", "--fault", "host=sim1,result0"});
  const auto& o = std::get<SimOptions>(r);
  World world = build_world(o, {}, "tok", Clock::time_point{}, 1598991042);
  REQUIRE(world.host_count() == 2);
  CHECK(world.host(0).style == ResponseStyle::modern);
  CHECK(world.host(1).style == ResponseStyle::legacy);
  const auto ids = world.session_ids(1);
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] != ids[1]);
  CHECK(ids[0].size() == 36);
  CHECK(ids[0].starts_with("oldserver2examcopya20200901201042"));
  CHECK_FALSE(apply_fault_options(world, o.faults).has_value());
  CHECK(world.host_faults(1).result0);
  CHECK(apply_fault_options(world, {{"sim7", "", "hang", ""}}).has_value());
}

TEST_CASE("--log files are played in turn") {
  auto r = parse({"--token-file", "t", "--sessions-per-host", "3", "--log", "x"});
  World world =
      build_world(std::get<SimOptions>(r), {"one\n", "two\n"}, "tok", Clock::time_point{}, 0);
  world.release_all();
  const auto ids = world.session_ids(0);
  const auto log = [&](std::size_t i) {  // logs with no final state: their sessions run on
    const auto reply = world.handle(0, fetch_request(ids[i], ".master.log"), Clock::time_point{});
    rapidjson::Document d;
    d.Parse(reply.response.body.c_str());
    return std::string(d["data"]["log"].GetString());
  };
  CHECK(log(0) == "one\n");
  CHECK(log(1) == "two\n");
  CHECK(log(2) == "one\n");
}

TEST_CASE("--demo: three hosts, one old, one failed account, one with dangerous items") {
  auto r = parse({"--demo", "--token-file", "t"});
  const auto& o = std::get<SimOptions>(r);
  CHECK(o.demo);
  World world = build_world(o, {}, "tok", Clock::time_point{}, 1598991042);
  REQUIRE(world.host_count() == 3);
  int old_hosts = 0;
  std::int64_t failed = 0, dangerous_accounts = 0, accounts = 0;
  for (std::size_t h = 0; h < 3; ++h) {
    old_hosts += world.host(h).style == ResponseStyle::legacy;
    CHECK(world.session_ids(h).size() == 2);
    world.release_all();
    for (const auto& id : world.session_ids(h)) {
      const auto reply = world.handle(h, fetch_request(id), Clock::time_point{});
      rapidjson::Document d;
      d.Parse(reply.response.body.c_str());
      wte::log::MasterLog log;
      log.feed(d["data"]["log"].GetString());
      log.finish();
      const auto* restore = log.model().queue("RESTORE");
      REQUIRE(restore != nullptr);
      failed += restore->counts.items_failed;  // a failed transfer fails RESTORE too
      accounts += *restore->counts.items_total;
      for (const auto& item : log.model().items()) {
        dangerous_accounts += item.dangerous_items > 0;
      }
    }
  }
  CHECK(old_hosts == 1);
  // All three ways of reading an active log, the old one on the old-style host.
  CHECK(world.host(0).log_access == LogAccess::modern);
  CHECK(world.host(1).log_access == LogAccess::old);
  CHECK(world.host(2).log_access == LogAccess::no_dotted);
  CHECK(failed == 1);
  CHECK(dangerous_accounts == 1);
  CHECK(accounts >= 24);  // a few dozen
  // Explicit flags win over the demo's.
  CHECK(std::get<SimOptions>(parse({"--hosts", "1", "--demo", "--token-file", "t"})).hosts == 1);
  auto plain = parse({"--demo", "--token-file", "t", "--log-access", "sim2=modern"});
  World changed = build_world(std::get<SimOptions>(plain), {}, "tok", Clock::time_point{}, 0);
  CHECK(changed.host(1).log_access == LogAccess::old);
  CHECK(changed.host(2).log_access == LogAccess::modern);
}

TEST_CASE("--log-access: every host, or one by index or name, in order") {
  auto r = parse({"--token-file", "t", "--hosts", "4", "--log-access", "old", "--log-access",
                  "1=no_dotted", "--log-access", "sim2=modern"});
  REQUIRE(std::holds_alternative<SimOptions>(r));
  World world = build_world(std::get<SimOptions>(r), {}, "tok", Clock::time_point{}, 0);
  CHECK(world.host(0).log_access == LogAccess::old);
  CHECK(world.host(1).log_access == LogAccess::no_dotted);
  CHECK(world.host(2).log_access == LogAccess::modern);
  CHECK(world.host(3).log_access == LogAccess::old);
  World plain = build_world(std::get<SimOptions>(parse({"--token-file", "t"})), {}, "tok",
                            Clock::time_point{}, 0);
  CHECK(plain.host(0).log_access == LogAccess::modern);  // cPanel's behaviour by default

  CHECK(error_of({"--token-file", "t", "--log-access", "ancient"}).find("--log-access") !=
        std::string::npos);
  CHECK(error_of({"--token-file", "t", "--log-access", "=old"}).find("--log-access") !=
        std::string::npos);
  CHECK(
      error_of({"--token-file", "t", "--hosts", "2", "--log-access", "2=old"}).find("no host 2") !=
      std::string::npos);
  CHECK(error_of({"--token-file", "t", "--log-access", "simX=old"}).find("no host simX") !=
        std::string::npos);
}
