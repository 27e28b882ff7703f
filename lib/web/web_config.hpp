#pragma once
// The web config file of Prometheus' exporter-toolkit (--web.config.file):
//   tls_server_config: {cert_file, key_file, client_ca_file?, client_auth_type?, min_version?}
//   basic_auth_users: {name: bcrypt-hash, ...}
// Unknown keys are errors. Relative file names are relative to the config file's folder.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/basic_auth.hpp"
#include "web/tls_config.hpp"

namespace wte::web {

struct WebConfig {
  std::optional<TlsServerFiles> tls;
  std::vector<BasicAuthUser> basic_auth_users;
};

struct WebConfigError {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  std::string key;  // the offending key, may be empty
  std::string message;
  std::string to_string() const;  // "file:line: key: message"
};

struct WebConfigResult {
  WebConfig config;  // meaningful only when ok()
  std::vector<WebConfigError> errors;
  bool ok() const noexcept { return errors.empty(); }
};

// Never throws: unreadable files and bad YAML are errors in the result.
WebConfigResult load_web_config(const std::filesystem::path& file);
// `file_name` is used in messages; relative paths are resolved against `base_dir`.
WebConfigResult parse_web_config(std::string_view yaml, const std::string& file_name,
                                 const std::filesystem::path& base_dir);

// True if `hash` has the shape of a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 chars).
bool looks_like_bcrypt(std::string_view hash) noexcept;

}  // namespace wte::web
