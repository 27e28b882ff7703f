#pragma once
// The web config file of Prometheus' exporter-toolkit (--web.config.file):
//   tls_server_config: {cert_file, key_file, client_ca_file?, client_auth_type?, min_version?}
//   basic_auth_users: {name: bcrypt-hash, ...}
// Read with the main config's YAML front end (config/yaml_walker.hpp). Relative file names
// are relative to the config file's folder.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "error/result.hpp"
#include "web/basic_auth.hpp"
#include "web/tls_config.hpp"

namespace wte::web {

struct WebConfig {
  std::optional<TlsServerFiles> tls;
  std::vector<BasicAuthUser> basic_auth_users;
};

// Every error is reported, each with file:line:column and key (config::ConfigError, as for
// the main config); unknown keys name the closest allowed one. Never throws: an unreadable
// file and bad YAML are errors too.
using WebConfigResult = Result<WebConfig, std::vector<config::ConfigError>>;

WebConfigResult load_web_config(const std::filesystem::path& file);
// `file_name` is used in messages; relative paths are resolved against `base_dir`.
WebConfigResult parse_web_config(std::string_view yaml, const std::string& file_name,
                                 const std::filesystem::path& base_dir);

// True if `hash` has the shape of a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 chars).
bool looks_like_bcrypt(std::string_view hash) noexcept;

}  // namespace wte::web
