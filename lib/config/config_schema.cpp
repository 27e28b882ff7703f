#include "config/config_schema.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "config/duration.hpp"
#include "config/host_url.hpp"

namespace wte::config {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 16> kTopKeys{"listen_address",
                                                    "web_config_file",
                                                    "enable_lifecycle",
                                                    "serve_status_pages",
                                                    "state_directory",
                                                    "poll_interval",
                                                    "max_concurrent_requests",
                                                    "finished_retention",
                                                    "stall_threshold",
                                                    "log_level",
                                                    "shard",
                                                    "allow_insecure_token_permissions",
                                                    "api",
                                                    "limits",
                                                    "local",
                                                    "hosts"};
constexpr std::array<std::string_view, 3> kApiKeys{"bearer_token_file", "bearer_token_env",
                                                   "bearer_token_credential"};
constexpr std::array<std::string_view, 8> kLimitKeys{
    "max_line_bytes",  "max_response_bytes", "max_sessions_per_host", "max_item_series_per_session",
    "max_connections", "max_request_bytes",  "header_timeout",        "idle_timeout"};
constexpr std::array<std::string_view, 5> kLocalKeys{"enabled", "path", "poll_interval",
                                                     "host_label", "inotify"};
constexpr std::array<std::string_view, 11> kHostKeys{"name",      "url",
                                                     "user",      "token_file",
                                                     "token_env", "token_credential",
                                                     "ca_file",   "tls_insecure_skip_verify",
                                                     "timeout",   "log_wait_timeout",
                                                     "sessions"};
constexpr std::array<std::string_view, 4> kLogLevels{"debug", "info", "warn", "error"};

constexpr std::string_view kHostTokenHint =
    "tokens are never written inline in the config; put the token in a file only the "
    "exporter can read (token_file: /etc/whm_transfer_exporter/HOST.token, chmod 600), an "
    "environment variable (token_env: NAME) or a systemd credential (token_credential: NAME "
    "with LoadCredential=)";
constexpr std::string_view kApiTokenHint =
    "tokens are never written inline in the config; use bearer_token_file (a file with mode "
    "600), bearer_token_env or bearer_token_credential (systemd LoadCredential=)";

constexpr auto kMinPollInterval = 1s;
constexpr auto kMinStallThreshold = 1s;

bool all_of_chars(std::string_view s, std::string_view extra) {
  return std::all_of(s.begin(), s.end(), [extra](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

// [A-Za-z0-9_.-]{1,64}: host names become label values and file names.
bool is_host_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && all_of_chars(s, "_.-");
}

// [0-9A-Za-z_]{1,64}: ids go into URLs and file paths unescaped.
bool is_session_id(std::string_view s) {
  return !s.empty() && s.size() <= 64 && all_of_chars(s, "_");
}

bool is_env_name(std::string_view s) {
  return !s.empty() && !(s[0] >= '0' && s[0] <= '9') && all_of_chars(s, "_");
}

bool is_credential_name(std::string_view s) {
  return !s.empty() && s.size() <= 255 && s != "." && s != ".." && all_of_chars(s, "_.@-");
}

// HOST:PORT with an optional host ("[::]:9923", "127.0.0.1:0", ":9923").
bool is_listen_address(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      std::any_of(port.begin(), port.end(), [](char c) { return c < '0' || c > '9'; }) ||
      std::stoul(std::string(port)) > 65535) {
    return false;
  }
  if (host.starts_with('[')) return host.size() > 2 && host.ends_with(']');
  return host.find(':') == std::string_view::npos && all_of_chars(host, ".-");
}

void require_min_duration(YamlWalker& w, const Field* f, std::chrono::milliseconds value,
                          std::chrono::milliseconds min) {
  if (f != nullptr && value < min) {
    w.error(*f, "must be at least " + format_duration(min) + ", got " + format_duration(value));
  }
}

void require_positive(YamlWalker& w, const Field* f, std::size_t value) {
  if (f != nullptr && value == 0) w.error(*f, "must be greater than 0");
}

// One of PREFIX{file,env,credential}; reports conflicts and bad names. `owner` is the
// mapping they sit in, for the "missing" message.
std::optional<TokenSource> read_token_source(YamlWalker& w, const Fields& fields,
                                             const YAML::Node& owner, const std::string& path,
                                             std::string_view prefix) {
  struct Choice {
    std::string_view suffix;
    TokenSource::Kind kind;
  };
  constexpr std::array<Choice, 3> kChoices{{{"file", TokenSource::Kind::file},
                                            {"env", TokenSource::Kind::env},
                                            {"credential", TokenSource::Kind::credential}}};
  const std::string keys = std::string(prefix) + "file, " + std::string(prefix) + "env or " +
                           std::string(prefix) + "credential";
  std::optional<TokenSource> found;
  std::string found_key;
  bool any = false;
  for (const Choice& choice : kChoices) {
    const std::string key = std::string(prefix) + std::string(choice.suffix);
    const Field* f = fields.get(key);
    if (f == nullptr) continue;
    if (any) {
      w.error(f->key, f->path,
              "give exactly one of " + keys + "; " + found_key + " is already set");
      continue;
    }
    any = true;
    found_key = key;
    std::string name;
    if (!w.read_string(f, name)) continue;
    if (choice.kind == TokenSource::Kind::env && !is_env_name(name)) {
      w.error(*f, "not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
      continue;
    }
    if (choice.kind == TokenSource::Kind::credential && !is_credential_name(name)) {
      w.error(*f, "not a valid credential name ([A-Za-z0-9_.@-], no '/')");
      continue;
    }
    found = TokenSource{choice.kind, std::move(name), w.position(*f)};
  }
  // An inline `token:` was already reported with the way to fix it.
  const std::string inline_key(prefix.substr(0, prefix.size() - 1));
  if (!any && !owner[inline_key]) w.error(owner, path, "missing the token: give one of " + keys);
  return found;
}

void read_api(YamlWalker& w, const Field* f, Config& c) {
  if (f == nullptr || f->value.IsNull()) return;
  const Fields fields = w.fields(f->value, f->path, kApiKeys, kApiTokenHint);
  if (!f->value.IsMap()) return;
  c.api_token = read_token_source(w, fields, f->value, f->path, "bearer_token_");
}

void read_limits(YamlWalker& w, const Field* f, Limits& l) {
  if (f == nullptr) return;
  const Fields fields = w.fields(f->value, f->path, kLimitKeys);
  struct SizeKey {
    std::string_view key;
    std::size_t Limits::*member;
    bool is_size;  // a byte size ("1MiB") rather than a count
  };
  constexpr std::array<SizeKey, 6> kSizes{{
      {"max_line_bytes", &Limits::max_line_bytes, true},
      {"max_response_bytes", &Limits::max_response_bytes, true},
      {"max_sessions_per_host", &Limits::max_sessions_per_host, false},
      {"max_item_series_per_session", &Limits::max_item_series_per_session, false},
      {"max_connections", &Limits::max_connections, false},
      {"max_request_bytes", &Limits::max_request_bytes, true},
  }};
  for (const SizeKey& k : kSizes) {
    const Field* field = fields.get(k.key);
    const bool read =
        k.is_size ? w.read_size(field, l.*k.member) : w.read_count(field, l.*k.member);
    if (read) require_positive(w, field, l.*k.member);
  }
  for (auto [key, member] : {std::pair{"header_timeout", &Limits::header_timeout},
                             std::pair{"idle_timeout", &Limits::idle_timeout}}) {
    const Field* field = fields.get(key);
    if (w.read_duration(field, l.*member)) require_min_duration(w, field, l.*member, 1ms);
  }
}

void read_local(YamlWalker& w, const Field* f, LocalConfig& l) {
  if (f == nullptr) return;
  const Fields fields = w.fields(f->value, f->path, kLocalKeys);
  w.read_bool(fields.get("enabled"), l.enabled);
  const Field* path = fields.get("path");
  if (w.read_string(path, l.path) && !l.path.starts_with('/')) {
    w.error(*path, "must be an absolute path");
  }
  const Field* poll = fields.get("poll_interval");
  if (w.read_duration(poll, l.poll_interval)) {
    require_min_duration(w, poll, l.poll_interval, kMinPollInterval);
  }
  const Field* label = fields.get("host_label");
  std::string label_value;
  if (w.read_string(label, label_value)) {
    if (is_host_name(label_value)) {
      l.host_label = std::move(label_value);
    } else {
      w.error(*label, "must match [A-Za-z0-9_.-]{1,64}, like a host's name");
    }
  }
  w.read_bool(fields.get("inotify"), l.inotify);
}

void read_sessions(YamlWalker& w, const Field* f, std::vector<std::string>& sessions) {
  std::set<std::string> seen;
  w.for_each_item(f, [&](const YAML::Node& item, const std::string& path) {
    if (!item.IsScalar()) {
      w.error(item, path, "expected a session id, got " + std::string(describe(item)));
      return;
    }
    const std::string& id = item.Scalar();
    if (!is_session_id(id)) {
      w.error(item, path,
              "invalid session id " + quoted(id) +
                  "; ids must match [0-9A-Za-z_]{1,64} because they go into URLs and file "
                  "paths");
      return;
    }
    if (!seen.insert(id).second) {
      w.error(item, path, "duplicate session id " + quoted(id));
      return;
    }
    sessions.push_back(id);
  });
}

void read_host(YamlWalker& w, const YAML::Node& node, const std::string& path, Config& c) {
  if (!node.IsMap()) {
    w.error(
        node, path,
        "expected a host mapping (name, url, token_file...), got " + std::string(describe(node)));
    return;
  }
  const Fields fields = w.fields(node, path, kHostKeys, kHostTokenHint);
  HostConfig h;
  if (const Field* name = fields.get("name")) {
    if (w.read_string(name, h.name) && !is_host_name(h.name)) {
      w.error(*name, "invalid host name " + quoted(h.name) +
                         "; names must match [A-Za-z0-9_.-]{1,64} (they become label values)");
    }
  } else {
    w.error(node, path, "missing required key name");
  }
  if (const Field* url = fields.get("url")) {
    if (w.read_string(url, h.url)) {
      Result<HostUrl> parsed = parse_host_url(h.url, h.port);
      if (!parsed.ok()) {
        // A URL with a user part may hold a password or a token: never echoed.
        const bool userinfo = h.url.find('@') != std::string::npos;
        w.error(*url,
                "invalid url " +
                    (userinfo ? std::string("(not shown: it has a user part)") : quoted(h.url)) +
                    ": " + parsed.error().message);
      } else {
        h.host = std::move(parsed.value().host);
        h.port = std::move(parsed.value().port);
      }
    }
  } else {
    w.error(node, path, "missing required key url");
  }
  const Field* user = fields.get("user");
  if (w.read_string(user, h.user) && !is_host_name(h.user)) {
    w.error(*user, "invalid user " + quoted(h.user) + "; expected [A-Za-z0-9_.-]{1,64}");
  }
  if (auto token = read_token_source(w, fields, node, path, "token_")) h.token = std::move(*token);
  std::string ca_file;
  if (w.read_string(fields.get("ca_file"), ca_file)) h.ca_file = std::move(ca_file);
  w.read_bool(fields.get("tls_insecure_skip_verify"), h.tls_insecure_skip_verify);
  const Field* timeout = fields.get("timeout");
  if (w.read_duration(timeout, h.timeout)) require_min_duration(w, timeout, h.timeout, 1ms);
  const Field* wait = fields.get("log_wait_timeout");
  if (w.read_duration(wait, h.log_wait_timeout)) {
    require_min_duration(w, wait, h.log_wait_timeout, 1ms);
  }
  const Field* sessions = fields.get("sessions");
  read_sessions(w, sessions, h.sessions);
  if (sessions != nullptr && h.sessions.size() > c.limits.max_sessions_per_host) {
    w.error(*sessions, std::to_string(h.sessions.size()) +
                           " sessions is more than limits.max_sessions_per_host (" +
                           std::to_string(c.limits.max_sessions_per_host) + ")");
  }
  c.hosts.push_back(std::move(h));
}

void read_hosts(YamlWalker& w, const Field* f, Config& c) {
  std::set<std::string> names;
  w.for_each_item(f, [&](const YAML::Node& item, const std::string& path) {
    const std::size_t before = c.hosts.size();
    read_host(w, item, path, c);
    if (c.hosts.size() == before || c.hosts.back().name.empty()) return;
    const std::string& name = c.hosts.back().name;
    if (!names.insert(name).second) {
      w.error(item["name"], path + ".name", "duplicate host name " + quoted(name));
    }
  });
}

void read_top_level(YamlWalker& w, const Fields& fields, Config& c) {
  const Field* listen = fields.get("listen_address");
  if (w.read_string(listen, c.listen_address) && !is_listen_address(c.listen_address)) {
    w.error(*listen, "invalid address " + quoted(c.listen_address) +
                         "; expected HOST:PORT like 0.0.0.0:9923 or [::]:9923");
  }
  std::string web_config;
  if (w.read_string(fields.get("web_config_file"), web_config)) c.web_config_file = web_config;
  w.read_string(fields.get("state_directory"), c.state_directory);
  const Field* poll = fields.get("poll_interval");
  if (w.read_duration(poll, c.poll_interval)) {
    require_min_duration(w, poll, c.poll_interval, kMinPollInterval);
  }
  const Field* concurrency = fields.get("max_concurrent_requests");
  if (w.read_count(concurrency, c.max_concurrent_requests)) {
    require_positive(w, concurrency, c.max_concurrent_requests);
  }
  w.read_duration(fields.get("finished_retention"), c.finished_retention);
  const Field* stall = fields.get("stall_threshold");
  if (w.read_duration(stall, c.stall_threshold)) {
    require_min_duration(w, stall, c.stall_threshold, kMinStallThreshold);
  }
  const Field* level = fields.get("log_level");
  if (w.read_string(level, c.log_level) &&
      std::find(kLogLevels.begin(), kLogLevels.end(), c.log_level) == kLogLevels.end()) {
    w.error(*level, "invalid log level " + quoted(c.log_level) +
                        "; expected one of debug, info, warn, error");
  }
  const Field* shard = fields.get("shard");
  std::string shard_text;
  if (w.read_string(shard, shard_text)) {
    if (auto parsed = parse_shard(shard_text)) {
      c.shard = *parsed;
    } else {
      w.error(*shard, "invalid shard " + quoted(shard_text) +
                          "; expected I/N with 0 <= I < N, like 0/2 (this instance's share of "
                          "the hosts)");
    }
  }
  w.read_bool(fields.get("allow_insecure_token_permissions"), c.allow_insecure_token_permissions);
  w.read_bool(fields.get("enable_lifecycle"), c.enable_lifecycle);
  w.read_bool(fields.get("serve_status_pages"), c.serve_status_pages);
}

}  // namespace

void read_config(YamlWalker& w, const YAML::Node& root, Config& c) {
  const Fields fields = w.fields(root, "", kTopKeys);
  read_top_level(w, fields, c);
  read_api(w, fields.get("api"), c);
  // Limits first: the host checks compare against them.
  read_limits(w, fields.get("limits"), c.limits);
  read_local(w, fields.get("local"), c.local);
  read_hosts(w, fields.get("hosts"), c);
  if (c.local.enabled && c.local.host_label) {
    for (const HostConfig& h : c.hosts) {
      if (h.name == *c.local.host_label) {
        w.error(fields.get("local")->value["host_label"], "local.host_label",
                "\"" + h.name + "\" is also the name of a remote host; labels must be unique");
      }
    }
  }
}

}  // namespace wte::config
