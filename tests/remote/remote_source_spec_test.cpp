#include "remote/remote_source_spec.hpp"

#include <doctest/doctest.h>

#include <map>

#include "config/loader.hpp"

using namespace std::chrono_literals;

namespace {

wte::config::TokenEnvironment env_with(std::map<std::string, std::string> vars) {
  return wte::config::TokenEnvironment([vars = std::move(vars)](const std::string& name) {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  });
}

wte::config::Config config_of(const std::string& yaml) {
  auto loaded = wte::config::load_config_string(yaml, "test.yml");
  REQUIRE(loaded.ok());
  return loaded.value();
}

}  // namespace

TEST_CASE("a host's settings: its entry, the global keys, its token") {
  const auto c = config_of(R"(
poll_interval: 20s
finished_retention: 2h
limits: {max_line_bytes: 4096, max_response_bytes: 1MiB, max_sessions_per_host: 7}
hosts:
  - name: whm1
    url: https://whm1.example.net
    token_env: WHM1_TOKEN
    timeout: 3s
    sessions: [abc]
)");
  const auto s =
      wte::remote::remote_settings(c.hosts[0], c, env_with({{"WHM1_TOKEN", "T0KEN"}}), 1, 4);
  REQUIRE(s.ok());
  const auto& r = s.value();
  CHECK(r.endpoint.name == "whm1");
  CHECK(r.endpoint.host == "whm1.example.net");
  CHECK(r.endpoint.port == "2087");
  CHECK(r.endpoint.token == "T0KEN");
  CHECK(r.endpoint.timeout == 3s);
  CHECK(r.endpoint.max_response_bytes == 1 << 20);
  CHECK(r.sessions == std::vector<std::string>{"abc"});
  CHECK(r.interval == 20s);
  CHECK(r.initial_delay == 5s);  // the second of four hosts starts a quarter in
  CHECK(r.finished_retention == 2h);
  CHECK(r.engine_limits.max_line_bytes == 4096);
  CHECK(r.max_sessions == 7);
}

TEST_CASE("a token that cannot be read is an error naming the host, never the token") {
  const auto c = config_of(R"(
hosts:
  - {name: whm1, url: "https://whm1.example.net", token_env: MISSING}
)");
  const auto s = wte::remote::remote_settings(c.hosts[0], c, env_with({}), 0, 1);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("hosts[0].token_env") != std::string::npos);
  CHECK(s.error().message.find("MISSING") != std::string::npos);
}
