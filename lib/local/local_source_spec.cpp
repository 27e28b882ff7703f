#include "local/local_source_spec.hpp"

#include <unistd.h>

#include "logging/logger.hpp"

namespace wte::local {

std::optional<LocalSettings> local_settings(const config::Config& c,
                                            const std::string& machine_name) {
  if (!c.local.enabled) return std::nullopt;
  LocalSettings s;
  s.path = c.local.path;
  s.poll_interval = c.local.poll_interval;
  s.host_label = c.local.host_label.value_or(machine_name);
  s.inotify = c.local.inotify;
  s.finished_retention = c.finished_retention;
  s.engine_limits.max_line_bytes = c.limits.max_line_bytes;
  s.max_sessions = c.limits.max_sessions_per_host;
  return s;
}

std::string machine_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "local";
  return buf;
}

LocalSourceSpec::LocalSourceSpec(LocalSettings settings)
    : settings_(std::move(settings)),
      name_(settings_.host_label.empty() ? std::string("local") : settings_.host_label) {}

std::shared_ptr<sources::Source> LocalSourceSpec::create(
    const sources::SourceContext& context) const {
  context.logger.info("local mode", {{"path", settings_.path}, {"host", name_}});
  return std::make_shared<LocalSource>(context, settings_);
}

bool LocalSourceSpec::update(sources::Source& existing) const {
  auto* local = dynamic_cast<LocalSource*>(&existing);
  if (!local) return false;
  local->update_settings(settings_);
  return true;
}

}  // namespace wte::local
