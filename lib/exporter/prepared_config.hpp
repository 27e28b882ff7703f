#pragma once
// A config with everything it names checked and loaded: each source's settings (its token
// read, its CA file readable), the API token, the web config (its TLS files loadable, its
// users' bcrypt hashes). `serve` applies it and `check-config` only builds it: one
// validation, so check-config never passes what serve refuses.
#include <optional>
#include <vector>

#include "config/config.hpp"
#include "config/token.hpp"
#include "error/result.hpp"
#include "exporter/source_factory.hpp"
#include "web/web_config.hpp"

namespace wte::exporter {

struct PreparedConfig {
  config::Config config;
  SourceSpecs sources;
  std::optional<config::Secret> api_token;
  web::WebConfig web;
};

// Every error is reported, each on its own (naming file, line, key or host).
Result<PreparedConfig, std::vector<Error>> prepare_config(config::Config config,
                                                          SourceFactory& factory,
                                                          const config::TokenEnvironment& env);

// The errors as one message, a line each.
std::string join_errors(const std::vector<Error>& errors);

}  // namespace wte::exporter
