#pragma once
// A remote source's settings from the config: the host's entry, the global keys that apply
// to it, and its WHM token (loaded here, so a bad token file is an error of the config).
#include <memory>
#include <vector>

#include "config/config.hpp"
#include "config/token.hpp"
#include "error/result.hpp"
#include "remote/remote_source.hpp"
#include "sources/source.hpp"

namespace wte::remote {

// The settings of `host`; its token is read through `env`. `index` of `count` spreads the
// first polls of the hosts over one interval.
Result<RemoteSettings> remote_settings(const config::HostConfig& host, const config::Config& config,
                                       const config::TokenEnvironment& env, std::size_t index,
                                       std::size_t count);

class RemoteSourceSpec final : public sources::SourceSpec {
 public:
  // `limiter` and `tls_contexts` are shared by every remote source and outlive them.
  RemoteSourceSpec(RemoteSettings settings, RequestLimiter& limiter,
                   whm::TlsContextCache& tls_contexts);

  const std::string& name() const noexcept override { return settings_.endpoint.name; }
  std::shared_ptr<sources::Source> create(const sources::SourceContext& context) const override;
  bool update(sources::Source& existing) const override;

 private:
  RemoteSettings settings_;
  RequestLimiter& limiter_;
  whm::TlsContextCache& tls_contexts_;
};

}  // namespace wte::remote
