#include "remote/remote_source_spec.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "sources/poll_schedule.hpp"

namespace wte::remote {

Result<RemoteSettings> remote_settings(const config::HostConfig& host, const config::Config& config,
                                       const config::TokenEnvironment& env, std::size_t index,
                                       std::size_t count) {
  auto token = config::load_token(host.token, env, config.allow_insecure_token_permissions);
  if (!token.ok()) return token.error();  // names the file, line and key
  if (host.ca_file) {
    std::ifstream ca(*host.ca_file);
    if (!ca) {
      return Error{"host " + host.name + ": cannot read its ca_file " + *host.ca_file + ": " +
                   std::strerror(errno)};
    }
  }
  RemoteSettings s;
  s.endpoint.name = host.name;
  s.endpoint.host = host.host;
  s.endpoint.port = host.port;
  s.endpoint.user = host.user;
  s.endpoint.token = token.value().reveal();
  s.endpoint.ca_file = host.ca_file;
  s.endpoint.tls_insecure_skip_verify = host.tls_insecure_skip_verify;
  s.endpoint.timeout = host.timeout;
  s.log_wait_timeout = host.log_wait_timeout;
  s.endpoint.max_response_bytes = config.limits.max_response_bytes;
  s.sessions = host.sessions;
  s.interval = config.poll_interval;
  s.initial_delay = sources::initial_delay(index, count, config.poll_interval);
  s.finished_retention = config.finished_retention;
  s.engine_limits.max_line_bytes = config.limits.max_line_bytes;
  s.max_sessions = config.limits.max_sessions_per_host;
  return s;
}

RemoteSourceSpec::RemoteSourceSpec(RemoteSettings settings, RequestLimiter& limiter,
                                   whm::TlsContextCache& tls_contexts)
    : settings_(std::move(settings)), limiter_(limiter), tls_contexts_(tls_contexts) {}

std::shared_ptr<sources::Source> RemoteSourceSpec::create(
    const sources::SourceContext& context) const {
  return std::make_shared<RemoteSource>(context, settings_, limiter_, tls_contexts_);
}

bool RemoteSourceSpec::update(sources::Source& existing) const {
  auto* remote = dynamic_cast<RemoteSource*>(&existing);
  if (!remote) return false;
  remote->update_settings(settings_);
  return true;
}

}  // namespace wte::remote
