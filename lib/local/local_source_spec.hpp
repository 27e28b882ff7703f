#pragma once
// The local source's settings from the config's `local:` section and the global keys that
// apply to it.
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "local/local_source.hpp"
#include "sources/source.hpp"

namespace wte::local {

// The settings, or nullopt when local mode is off. `machine_name` is the `host` label
// when local.host_label is not set.
std::optional<LocalSettings> local_settings(const config::Config& config,
                                            const std::string& machine_name);

// This machine's host name, or "local" when it has none.
std::string machine_host_name();

class LocalSourceSpec final : public sources::SourceSpec {
 public:
  explicit LocalSourceSpec(LocalSettings settings);

  const std::string& name() const noexcept override { return name_; }
  std::shared_ptr<sources::Source> create(const sources::SourceContext& context) const override;
  bool update(sources::Source& existing) const override;

 private:
  LocalSettings settings_;
  std::string name_;
};

}  // namespace wte::local
