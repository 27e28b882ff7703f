#pragma once
// The one place that knows every kind of source: it turns the config into one SourceSpec per
// source (a remote source per host of this shard, the local source when local mode is on)
// and owns what the sources of a kind share. Adding a kind of source means a folder of its
// own, its config keys, and a few lines here; the exporter's wiring does not change.
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/token.hpp"
#include "error/result.hpp"
#include "remote/request_limiter.hpp"
#include "sources/source.hpp"
#include "whm/tls_context.hpp"

namespace wte::exporter {

using SourceSpecs = std::vector<std::unique_ptr<sources::SourceSpec>>;

class SourceFactory {
 public:
  explicit SourceFactory(boost::asio::any_io_executor executor);

  // The specs of every source `config` asks for, or every error found (a token that cannot
  // be read, two sources with one name). Reads secrets through `env`; changes nothing.
  Result<SourceSpecs, std::vector<Error>> specs(const config::Config& config,
                                                const config::TokenEnvironment& env);
  // The settings the sources of a kind share, from the config being applied.
  void apply_shared_settings(const config::Config& config);

 private:
  remote::RequestLimiter limiter_;     // WHM requests in flight over all hosts
  whm::TlsContextCache tls_contexts_;  // one TLS context per trust setting, not per host
};

}  // namespace wte::exporter
