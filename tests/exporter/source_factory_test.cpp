#include "exporter/source_factory.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <map>

#include "config/loader.hpp"

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

std::vector<std::string> names(const wte::exporter::SourceSpecs& specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) out.push_back(s->name());
  return out;
}

const std::string kHosts = R"(
hosts:
  - {name: a, url: "https://a.example.net", token_env: T}
  - {name: b, url: "https://b.example.net", token_env: T}
  - {name: c, url: "https://c.example.net", token_env: T}
  - {name: d, url: "https://d.example.net", token_env: T}
)";

}  // namespace

TEST_CASE("one remote source per host, and the local source when local mode is on") {
  boost::asio::io_context io;
  wte::exporter::SourceFactory factory(io.get_executor());
  auto specs =
      factory.specs(config_of(kHosts + "local: {enabled: true, host_label: this-server}\n"),
                    env_with({{"T", "x"}}));
  REQUIRE(specs.ok());
  CHECK(names(specs.value()) == std::vector<std::string>{"a", "b", "c", "d", "this-server"});
}

TEST_CASE("a shard gets only its hosts; every host is in exactly one shard") {
  boost::asio::io_context io;
  wte::exporter::SourceFactory factory(io.get_executor());
  std::map<std::string, int> seen;
  for (unsigned i = 0; i < 3; ++i) {
    auto c = config_of(kHosts);
    c.shard = {i, 3};
    auto specs = factory.specs(c, env_with({{"T", "x"}}));
    REQUIRE(specs.ok());
    for (const auto& n : names(specs.value())) ++seen[n];
  }
  CHECK(seen == std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}});
}

TEST_CASE("every error is reported at once, and two sources may not share a name") {
  boost::asio::io_context io;
  wte::exporter::SourceFactory factory(io.get_executor());
  auto config = config_of(R"(
hosts:
  - {name: a, url: "https://a.example.net", token_env: T}
  - {name: b, url: "https://b.example.net", token_env: MISSING1}
  - {name: c, url: "https://c.example.net", token_env: MISSING2}
)");
  // (The config loader refuses this clash with file and line; the factory does not rely on it.)
  config.local.enabled = true;
  config.local.host_label = "a";
  auto specs = factory.specs(config, env_with({{"T", "x"}}));
  REQUIRE_FALSE(specs.ok());
  const auto& errors = specs.error();
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].message.find("hosts[1].token_env") != std::string::npos);
  CHECK(errors[1].message.find("hosts[2].token_env") != std::string::npos);
  CHECK(errors[2].message.find("two sources are named \"a\"") == 0);
}
