#include "web/web_config.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace wte::web {
namespace {

// Collects errors while walking the YAML tree.
class Parser {
 public:
  Parser(std::string file, std::filesystem::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  void parse_root(const YAML::Node& root);
  WebConfigResult take() { return std::move(result_); }
  void error(const YAML::Node& at, std::string key, std::string message) {
    error_at(at.Mark().line + 1, std::move(key), std::move(message));
  }
  void error_at(int line, std::string key, std::string message) {
    result_.errors.push_back({file_, line, std::move(key), std::move(message)});
  }

 private:
  void parse_tls(const YAML::Node& node);
  void parse_users(const YAML::Node& node);
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& key);
  std::string resolve(const std::string& path) const {
    const std::filesystem::path p(path);
    return p.is_absolute() ? path : (base_dir_ / p).string();
  }

  std::string file_;
  std::filesystem::path base_dir_;
  WebConfigResult result_;
};

std::optional<std::string> Parser::scalar(const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) {
    error(node, key, "must be a string");
    return std::nullopt;
  }
  return node.Scalar();
}

void Parser::parse_root(const YAML::Node& root) {
  if (!root || root.IsNull()) return;  // an empty file: no TLS, no auth
  if (!root.IsMap()) {
    error(root, "", "the web config must be a mapping");
    return;
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>("");
    if (key == "tls_server_config") {
      parse_tls(entry.second);
    } else if (key == "basic_auth_users") {
      parse_users(entry.second);
    } else {
      error(entry.first, key, "unknown key");
    }
  }
}

std::optional<ClientAuth> client_auth_from(const std::string& value) {
  if (value == "NoClientCert") return ClientAuth::none;
  if (value == "VerifyClientCertIfGiven") return ClientAuth::verify_if_given;
  if (value == "RequireAndVerifyClientCert") return ClientAuth::require_and_verify;
  return std::nullopt;
}

void Parser::parse_tls(const YAML::Node& node) {
  if (node.IsNull()) return;
  if (!node.IsMap()) return error(node, "tls_server_config", "must be a mapping");
  TlsServerFiles tls;
  bool auth_given = false;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>("");
    const auto value = scalar(entry.second, key);
    if (!value) continue;
    if (key == "cert_file") {
      tls.cert_file = resolve(*value);
    } else if (key == "key_file") {
      tls.key_file = resolve(*value);
    } else if (key == "client_ca_file") {
      tls.client_ca_file = resolve(*value);
    } else if (key == "client_auth_type") {
      const auto auth = client_auth_from(*value);
      if (!auth) {
        error(entry.second, key,
              "unsupported value '" + *value +
                  "' (use NoClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
      }
      tls.client_auth = auth.value_or(ClientAuth::none);
      auth_given = true;
    } else if (key == "min_version") {
      if (*value == "TLS12") {
        tls.min_version = TlsVersion::tls12;
      } else if (*value == "TLS13") {
        tls.min_version = TlsVersion::tls13;
      } else {
        error(entry.second, key, "unsupported value '" + *value + "' (use TLS12 or TLS13)");
      }
    } else {
      error(entry.first, key, "unknown key in tls_server_config");
    }
  }
  const int line = node.Mark().line + 1;
  if (tls.cert_file.empty()) error_at(line, "cert_file", "missing in tls_server_config");
  if (tls.key_file.empty()) error_at(line, "key_file", "missing in tls_server_config");
  if (tls.client_auth != ClientAuth::none && !tls.client_ca_file) {
    error_at(line, "client_ca_file", "client_auth_type needs a client_ca_file");
  }
  if (auth_given && tls.client_auth == ClientAuth::none && tls.client_ca_file) {
    error_at(line, "client_auth_type", "NoClientCert contradicts client_ca_file");
  }
  if (tls.client_ca_file && tls.client_auth == ClientAuth::none) {
    tls.client_auth = ClientAuth::require_and_verify;
  }
  result_.config.tls = std::move(tls);
}

void Parser::parse_users(const YAML::Node& node) {
  if (node.IsNull()) return;
  if (!node.IsMap()) return error(node, "basic_auth_users", "must be a mapping of name: hash");
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>("");
    const auto hash = scalar(entry.second, name);
    if (!hash) continue;
    if (name.empty() || name.find(':') != std::string::npos) {
      error(entry.first, name, "a user name must be non-empty and hold no ':'");
    } else if (!seen.insert(name).second) {
      error(entry.first, name, "duplicate user");
    } else if (!looks_like_bcrypt(*hash)) {
      // The hash itself is not quoted: it is a secret too, if a weaker one.
      error(entry.second, name, "not a bcrypt hash ($2y$..., from htpasswd -nBC 10)");
    } else {
      result_.config.basic_auth_users.push_back({name, *hash});
    }
  }
}

}  // namespace

std::string WebConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

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
  Parser parser(file_name, base_dir);
  try {
    parser.parse_root(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    parser.error_at(e.mark.is_null() ? 0 : e.mark.line + 1, "", "invalid YAML: " + e.msg);
  }
  return parser.take();
}

WebConfigResult load_web_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    WebConfigResult result;
    result.errors.push_back({file.string(), 0, "", "cannot read the web config file"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_web_config(text.str(), file.string(), file.parent_path());
}

}  // namespace wte::web
