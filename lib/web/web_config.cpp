#include "web/web_config.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <set>

#include "config/yaml_file.hpp"
#include "config/yaml_walker.hpp"

namespace wte::web {
namespace {

using config::Field;
using config::YamlWalker;

constexpr std::array<std::string_view, 2> kTopKeys{"tls_server_config", "basic_auth_users"};
constexpr std::array<std::string_view, 5> kTlsKeys{"cert_file", "key_file", "client_ca_file",
                                                   "client_auth_type", "min_version"};

class Reader {
 public:
  Reader(YamlWalker& w, std::filesystem::path base_dir) : w_(w), base_dir_(std::move(base_dir)) {}

  void read_root(const YAML::Node& root, WebConfig& out) {
    if (!root || root.IsNull()) return;  // an empty file: no TLS, no auth
    const auto fields = w_.fields(root, "", kTopKeys);
    if (const Field* tls = fields.get("tls_server_config"); tls && !tls->value.IsNull()) {
      out.tls = read_tls(*tls);
    }
    if (const Field* users = fields.get("basic_auth_users")) read_users(*users, out);
  }

 private:
  std::string resolve(const std::string& path) const {
    const std::filesystem::path p(path);
    return p.is_absolute() ? path : (base_dir_ / p).string();
  }
  bool read_path(const Field* field, std::string& out) {
    if (!w_.read_string(field, out)) return false;
    out = resolve(out);
    return true;
  }
  TlsServerFiles read_tls(const Field& section);
  void read_users(const Field& section, WebConfig& out);

  YamlWalker& w_;
  std::filesystem::path base_dir_;
};

std::optional<ClientAuth> client_auth_from(const std::string& value) {
  if (value == "NoClientCert") return ClientAuth::none;
  if (value == "VerifyClientCertIfGiven") return ClientAuth::verify_if_given;
  if (value == "RequireAndVerifyClientCert") return ClientAuth::require_and_verify;
  return std::nullopt;
}

TlsServerFiles Reader::read_tls(const Field& section) {
  const auto f = w_.fields(section.value, section.path, kTlsKeys);
  TlsServerFiles tls;
  const bool has_cert = read_path(f.get("cert_file"), tls.cert_file);
  const bool has_key = read_path(f.get("key_file"), tls.key_file);
  std::string ca;
  if (read_path(f.get("client_ca_file"), ca)) tls.client_ca_file = ca;
  std::string auth_text;
  const Field* auth = f.get("client_auth_type");
  bool auth_given = false;
  if (w_.read_string(auth, auth_text)) {
    auth_given = true;
    if (const auto parsed = client_auth_from(auth_text)) {
      tls.client_auth = *parsed;
    } else {
      w_.error(*auth, "unsupported value " + config::quoted(auth_text) +
                          " (use NoClientCert, VerifyClientCertIfGiven or "
                          "RequireAndVerifyClientCert)");
    }
  }
  std::string version;
  const Field* min_version = f.get("min_version");
  if (w_.read_string(min_version, version)) {
    if (version == "TLS12") {
      tls.min_version = TlsVersion::tls12;
    } else if (version == "TLS13") {
      tls.min_version = TlsVersion::tls13;
    } else {
      w_.error(*min_version,
               "unsupported value " + config::quoted(version) + " (use TLS12 or TLS13)");
    }
  }
  if (section.value.IsMap()) {
    if (!has_cert) w_.error(section, "cert_file is missing");
    if (!has_key) w_.error(section, "key_file is missing");
    if (tls.client_auth != ClientAuth::none && !tls.client_ca_file) {
      w_.error(section,
               "client_auth_type " + config::quoted(auth_text) + " needs a client_ca_file");
    }
    if (auth_given && tls.client_auth == ClientAuth::none && tls.client_ca_file) {
      w_.error(*auth, "NoClientCert contradicts client_ca_file");
    }
  }
  if (tls.client_ca_file && !auth_given) tls.client_auth = ClientAuth::require_and_verify;
  return tls;
}

void Reader::read_users(const Field& section, WebConfig& out) {
  if (section.value.IsNull()) return;
  if (!section.value.IsMap()) {
    w_.error(section, "expected a mapping of name: bcrypt-hash, got " +
                          std::string(config::describe(section.value)));
    return;
  }
  std::set<std::string> seen;
  for (const auto& entry : section.value) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      w_.error(key, section.path, "a user name must be a plain name");
      continue;
    }
    const std::string& name = key.Scalar();
    const std::string path = config::child_path(section.path, name);
    if (!entry.second.IsScalar()) {
      w_.error(entry.second, path,
               "expected a bcrypt hash, got " + std::string(config::describe(entry.second)));
    } else if (name.empty() || name.find(':') != std::string::npos) {
      w_.error(key, path, "a user name must be non-empty and hold no ':'");
    } else if (!seen.insert(name).second) {
      w_.error(key, path, "duplicate user");
    } else if (!looks_like_bcrypt(entry.second.Scalar())) {
      // The hash itself is not quoted: it is a secret too, if a weaker one.
      w_.error(entry.second, path, "not a bcrypt hash ($2y$..., from htpasswd -nBC 10)");
    } else {
      out.basic_auth_users.push_back({name, entry.second.Scalar()});
    }
  }
}

}  // namespace

bool looks_like_bcrypt(std::string_view hash) noexcept {
  if (hash.size() != 60) return false;
  if (!(hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"))) {
    return false;
  }
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(hash[4]) || !digit(hash[5]) || hash[6] != '$') return false;
  for (const char c : hash.substr(7)) {
    const bool ok =
        digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

WebConfigResult parse_web_config(std::string_view yaml, const std::string& file_name,
                                 const std::filesystem::path& base_dir) {
  YamlWalker walker(file_name);
  WebConfig out;
  try {
    if (auto root = config::parse_yaml_document(yaml, walker)) {
      Reader(walker, base_dir).read_root(*root, out);
    }
  } catch (const std::exception& e) {
    walker.error(YAML::Mark::null_mark(), {},
                 std::string("cannot read the web config: ") + e.what());
  }
  auto errors = walker.take_errors();
  if (!errors.empty()) {
    config::sort_by_position(errors);
    return errors;
  }
  return out;
}

WebConfigResult load_web_config(const std::filesystem::path& file) {
  auto text = config::read_config_text(file.string(), "web config file");
  if (!text.ok()) return std::vector<config::ConfigError>{std::move(text).error()};
  return parse_web_config(text.value(), file.string(), file.parent_path());
}

}  // namespace wte::web
