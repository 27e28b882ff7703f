// Valid configs: every key reaches its field; defaults hold when keys are absent.
#include "config/loader.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using wte::config::Config;
using wte::config::load_config_file;
using wte::config::load_config_string;
using wte::config::TokenSource;

namespace {

Config load_ok(std::string_view text) {
  auto result = load_config_string(text, "t.yml");
  if (!result.ok()) {
    for (const auto& e : result.error()) INFO(e.to_string());
  }
  REQUIRE(result.ok());
  return std::move(result).value();
}

}  // namespace

TEST_CASE("an empty document means all defaults") {
  for (std::string_view text : {"", "\n", "# only a comment\n", "---\n", "~\n"}) {
    CAPTURE(text);
    const Config c = load_ok(text);
    CHECK(c.source_file == "t.yml");
    CHECK(c.listen_address == "0.0.0.0:9923");
    CHECK_FALSE(c.web_config_file.has_value());
    CHECK(c.state_directory == "/var/lib/whm_transfer_exporter");
    CHECK(c.poll_interval == 15s);
    CHECK(c.max_concurrent_requests == 64);
    CHECK(c.finished_retention == 24h);
    CHECK(c.stall_threshold == 30min);
    CHECK(c.log_level == "info");
    CHECK_FALSE(c.api_token.has_value());
    CHECK_FALSE(c.allow_insecure_token_permissions);
    CHECK(c.shard.index == 0);
    CHECK(c.shard.count == 1);
    CHECK(c.limits.max_line_bytes == 1 << 20);
    CHECK(c.limits.max_response_bytes == std::size_t{256} << 20);
    CHECK(c.limits.max_sessions_per_host == 1000);
    CHECK(c.limits.max_item_series_per_session == 1000);
    CHECK(c.limits.max_connections == 512);
    CHECK(c.limits.max_request_bytes == 1 << 20);
    CHECK(c.limits.header_timeout == 10s);
    CHECK(c.limits.idle_timeout == 60s);
    CHECK_FALSE(c.local.enabled);
    CHECK(c.local.path == "/var/cpanel/transfer_sessions");
    CHECK(c.local.poll_interval == 5s);
    CHECK_FALSE(c.local.host_label.has_value());
    CHECK(c.local.inotify);
    CHECK(c.hosts.empty());
  }
}

TEST_CASE("every top-level key reaches its field") {
  const Config c = load_ok(R"(
listen_address: "[::1]:0"
web_config_file: /etc/wte/web.yml
state_directory: /srv/wte
poll_interval: 1m30s
max_concurrent_requests: 8
finished_retention: 2d
log_level: debug
shard: 2/3
allow_insecure_token_permissions: true
api:
  bearer_token_env: WTE_API_TOKEN
limits:
  max_line_bytes: 64KiB
  max_response_bytes: 1GB
  max_sessions_per_host: 10
  max_item_series_per_session: 20
  max_connections: 30
  max_request_bytes: 4096
  header_timeout: 500ms
  idle_timeout: 5m
local:
  enabled: yes
  path: /tmp/sessions
  poll_interval: 2s
  host_label: this-whm
  inotify: false
stall_threshold: 1h30m
)");
  CHECK(c.listen_address == "[::1]:0");
  CHECK(c.web_config_file == std::optional<std::string>("/etc/wte/web.yml"));
  CHECK(c.state_directory == "/srv/wte");
  CHECK(c.poll_interval == 90s);
  CHECK(c.max_concurrent_requests == 8);
  CHECK(c.finished_retention == 48h);
  CHECK(c.stall_threshold == 90min);
  CHECK(c.log_level == "debug");
  CHECK(c.shard.index == 2);
  CHECK(c.shard.count == 3);
  CHECK(c.allow_insecure_token_permissions);
  REQUIRE(c.api_token.has_value());
  CHECK(*c.api_token == TokenSource{TokenSource::Kind::env, "WTE_API_TOKEN"});
  CHECK(c.api_token->written_at.file == "t.yml");
  CHECK(c.api_token->written_at.line == 12);
  CHECK(c.api_token->written_at.column == 21);
  CHECK(c.api_token->written_at.key == "api.bearer_token_env");
  CHECK(c.limits.max_line_bytes == 64 * 1024);
  CHECK(c.limits.max_response_bytes == 1'000'000'000);
  CHECK(c.limits.max_sessions_per_host == 10);
  CHECK(c.limits.max_item_series_per_session == 20);
  CHECK(c.limits.max_connections == 30);
  CHECK(c.limits.max_request_bytes == 4096);
  CHECK(c.limits.header_timeout == 500ms);
  CHECK(c.limits.idle_timeout == 5min);
  CHECK(c.local.enabled);
  CHECK(c.local.path == "/tmp/sessions");
  CHECK(c.local.poll_interval == 2s);
  CHECK(c.local.host_label == std::optional<std::string>("this-whm"));
  CHECK_FALSE(c.local.inotify);
}

TEST_CASE("api bearer token sources") {
  CHECK(load_ok("api: {bearer_token_file: /etc/t}").api_token ==
        TokenSource{TokenSource::Kind::file, "/etc/t"});
  CHECK(load_ok("api: {bearer_token_credential: api-token}").api_token ==
        TokenSource{TokenSource::Kind::credential, "api-token"});
  CHECK_FALSE(load_ok("api:\n").api_token.has_value());
}

TEST_CASE("every host key reaches its field") {
  const Config c = load_ok(R"(
hosts:
  - name: whm-1
    url: https://whm1.example.net:2083/
    user: reseller_1
    token_file: /etc/wte/whm-1.token
    ca_file: /etc/wte/ca.pem
    tls_insecure_skip_verify: true
    timeout: 2500ms
    sessions: [abc_123, "00000000000000000000000000000000000000000000000000000000000000Zz"]
  - name: whm.2
    url: https://[2001:db8::2]
    token_env: WHM2_TOKEN
  - name: WHM_3
    url: https://192.0.2.3/
    token_credential: whm3.token
    sessions:
)");
  REQUIRE(c.hosts.size() == 3);
  const auto& h = c.hosts[0];
  CHECK(h.name == "whm-1");
  CHECK(h.url == "https://whm1.example.net:2083/");
  CHECK(h.host == "whm1.example.net");
  CHECK(h.port == "2083");
  CHECK(h.user == "reseller_1");
  CHECK(h.token == TokenSource{TokenSource::Kind::file, "/etc/wte/whm-1.token"});
  CHECK(h.ca_file == std::optional<std::string>("/etc/wte/ca.pem"));
  CHECK(h.tls_insecure_skip_verify);
  CHECK(h.timeout == 2500ms);
  REQUIRE(h.sessions.size() == 2);
  CHECK(h.sessions[0] == "abc_123");
  CHECK(h.sessions[1].size() == 64);

  const auto& h2 = c.hosts[1];
  CHECK(h2.host == "2001:db8::2");
  CHECK(h2.port == "2087");
  CHECK(h2.user == "root");
  CHECK(h2.token == TokenSource{TokenSource::Kind::env, "WHM2_TOKEN"});
  CHECK_FALSE(h2.ca_file.has_value());
  CHECK_FALSE(h2.tls_insecure_skip_verify);
  CHECK(h2.timeout == 10s);
  CHECK(h2.sessions.empty());

  CHECK(c.hosts[2].token == TokenSource{TokenSource::Kind::credential, "whm3.token"});
  // Where each token source is written, for the messages of a token that cannot be read.
  CHECK(h.token.written_at.file == "t.yml");
  CHECK(h.token.written_at.key == "hosts[0].token_file");
  CHECK(h.token.written_at.line > 0);
  CHECK(h2.token.written_at.key == "hosts[1].token_env");
  CHECK(h2.token.written_at.line > h.token.written_at.line);
  CHECK(c.hosts[2].host == "192.0.2.3");
  CHECK(c.hosts[2].sessions.empty());
}

TEST_CASE("numeric-looking scalars are read as text where text is expected") {
  const Config c = load_ok(
      "hosts:\n  - {name: 123, url: 'https://h', token_env: T, "
      "sessions: [20240101, 0x1]}\nshard: 0/2\n");
  CHECK(c.hosts.at(0).name == "123");
  CHECK(c.hosts.at(0).sessions == std::vector<std::string>{"20240101", "0x1"});
}

TEST_CASE("load_config_file reads a file and names it") {
  wte::test::TempDir dir;
  const std::string path = dir.write("c.yml", "log_level: warn\n", 0644);
  auto result = load_config_file(path);
  REQUIRE(result.ok());
  CHECK(result.value().log_level == "warn");
  CHECK(result.value().source_file == path);

  const std::string bad = dir.write("bad.yml", "log_level: loud\n", 0644);
  result = load_config_file(bad);
  REQUIRE_FALSE(result.ok());
  REQUIRE(result.error().size() == 1);
  CHECK(result.error()[0].to_string().starts_with(bad + ":1:12: log_level: "));
}

TEST_CASE("load_config_file: missing, unreadable, directory, oversized") {
  wte::test::TempDir dir;
  const std::string missing = (dir.path() / "nope.yml").string();
  auto result = load_config_file(missing);
  REQUIRE_FALSE(result.ok());
  REQUIRE(result.error().size() == 1);
  CHECK_FALSE(result.ok());
  CHECK(result.error()[0].to_string() ==
        missing + ": cannot open the config file: No such file or directory");

  result = load_config_file(dir.path().string());
  REQUIRE_FALSE(result.ok());
  REQUIRE(result.error().size() == 1);
  CHECK(result.error()[0].to_string() ==
        dir.path().string() + ": " + dir.path().string() + " is a directory, not the config file");

  if (::geteuid() != 0) {  // root reads anything
    const std::string locked = dir.write("locked.yml", "", 0000);
    result = load_config_file(locked);
    REQUIRE_FALSE(result.ok());
    REQUIRE(result.error().size() == 1);
    CHECK(result.error()[0].to_string() ==
          locked + ": cannot open the config file: Permission denied");
  }

  const std::string big =
      dir.write("big.yml", std::string(wte::config::kMaxConfigFileBytes + 1, '#'), 0644);
  result = load_config_file(big);
  REQUIRE_FALSE(result.ok());
  REQUIRE(result.error().size() == 1);
  CHECK(result.error()[0].message.find("larger than") != std::string::npos);
}
