#include "exporter/prepared_config.hpp"

#include <stdexcept>

#include "web/tls_config.hpp"

namespace wte::exporter {

namespace {

void check_api_token(PreparedConfig& p, const config::TokenEnvironment& env,
                     std::vector<Error>& errors) {
  if (!p.config.api_token) return;
  auto token =
      config::load_token(*p.config.api_token, env, p.config.allow_insecure_token_permissions);
  if (token.ok()) {
    p.api_token = std::move(token).value();
  } else {
    errors.push_back(token.error());  // names the file, line and key
  }
}

void check_web_config(PreparedConfig& p, std::vector<Error>& errors) {
  if (!p.config.web_config_file) return;
  auto web = web::load_web_config(*p.config.web_config_file);
  if (!web.ok()) {
    for (const auto& e : web.error()) errors.push_back(Error{e.to_string()});
    return;
  }
  p.web = std::move(web).value();
  if (!p.web.tls) return;
  // The files exist, match and load.
  if (auto tls = web::make_server_tls_context(*p.web.tls); !tls.ok()) {
    errors.push_back(
        Error{*p.config.web_config_file + ": tls_server_config: " + tls.error().message});
  }
}

}  // namespace

Result<PreparedConfig, std::vector<Error>> prepare_config(config::Config config,
                                                          SourceFactory& factory,
                                                          const config::TokenEnvironment& env) {
  PreparedConfig p;
  p.config = std::move(config);
  std::vector<Error> errors;
  auto specs = factory.specs(p.config, env);
  if (specs.ok()) {
    p.sources = std::move(specs).value();
  } else {
    errors = std::move(specs).error();
  }
  check_api_token(p, env, errors);
  check_web_config(p, errors);
  if (!errors.empty()) return errors;
  return p;
}

std::string join_errors(const std::vector<Error>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "\n";
    out += e.message;
  }
  return out;
}

}  // namespace wte::exporter
