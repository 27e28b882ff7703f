#pragma once
// The exporter's configuration as plain values with their defaults. Built by
// load_config_file()/load_config_string() (loader.hpp), which validates every field.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace wte::config {

using namespace std::chrono_literals;

// Where a value was written in the config file, for messages about it found later (a
// token file that cannot be read): file, 1-based line and column, key path.
struct ConfigPosition {
  std::string file;
  int line = 0;  // 0: unknown
  int column = 0;
  std::string key;  // e.g. "hosts[0].token_file"
};

// Where a secret comes from; the secret itself is never in the config (see token.hpp).
struct TokenSource {
  enum class Kind { file, env, credential };
  Kind kind = Kind::file;
  // A file path, an environment variable's name, or a credential's name under
  // $CREDENTIALS_DIRECTORY (systemd LoadCredential=).
  std::string name;
  // Where the config named it (empty file when it came from elsewhere, e.g. a command line).
  ConfigPosition written_at = {};

  // The same secret: where it was written does not matter.
  friend bool operator==(const TokenSource& a, const TokenSource& b) {
    return a.kind == b.kind && a.name == b.name;
  }
};

// One WHM server polled over HTTPS.
struct HostConfig {
  std::string name;  // [A-Za-z0-9_.-]{1,64}, unique: the `host` label
  std::string url;   // as written: https://HOST[:PORT][/]
  // Parsed from `url`. `host` has no brackets for an IPv6 literal.
  std::string host;
  std::string port = "2087";
  std::string user = "root";
  TokenSource token;
  std::optional<std::string> ca_file;
  bool tls_insecure_skip_verify = false;
  std::chrono::milliseconds timeout{10000};
  // The deadline of a master.log request that the server holds until the session ends
  // (docs/LOG-FORMAT.md, section 2): long enough for a day-long session.
  std::chrono::milliseconds log_wait_timeout{std::chrono::hours(48)};
  std::vector<std::string> sessions;  // transfer session ids, [0-9A-Za-z_]{1,64}
};

// Sessions read straight from the disk of the WHM server the exporter runs on.
struct LocalConfig {
  bool enabled = false;
  std::string path = "/var/cpanel/transfer_sessions";
  std::chrono::milliseconds poll_interval{5000};
  std::optional<std::string> host_label;  // the `host` label; the machine's name if unset
  bool inotify = true;
};

// Bounds on everything that an outside party controls.
struct Limits {
  std::size_t max_line_bytes = std::size_t{1} << 20;
  std::size_t max_response_bytes = std::size_t{256} << 20;
  std::size_t max_sessions_per_host = 1000;
  std::size_t max_item_series_per_session = 1000;
  std::size_t max_connections = 512;
  std::size_t max_request_bytes = std::size_t{1} << 20;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
};

// This instance polls the hosts whose hash falls in shard `index` of `count` ("I/N").
struct ShardSpec {
  unsigned index = 0;
  unsigned count = 1;

  friend bool operator==(const ShardSpec&, const ShardSpec&) = default;
};

struct Config {
  std::string source_file;  // the file it was read from, for messages
  std::string listen_address = "0.0.0.0:9923";
  std::optional<std::string> web_config_file;
  // POST /-/reload (as Prometheus' --web.enable-lifecycle): off unless enabled, and then
  // behind the API token when one is configured.
  bool enable_lifecycle = false;
  // `/` and `/api/v1/sessions` (account names, failure texts); false: /metrics and the
  // health endpoints only.
  bool serve_status_pages = true;
  std::string state_directory = "/var/lib/whm_transfer_exporter";
  std::chrono::milliseconds poll_interval{15000};
  std::size_t max_concurrent_requests = 64;
  std::chrono::milliseconds finished_retention{24h};
  std::string log_level = "info";  // debug | info | warn | error
  // Bearer token for the registration API (`api: {bearer_token_file|_env|_credential}`).
  std::optional<TokenSource> api_token;
  bool allow_insecure_token_permissions = false;
  ShardSpec shard;
  Limits limits;
  LocalConfig local;
  std::vector<HostConfig> hosts;
};

}  // namespace wte::config
