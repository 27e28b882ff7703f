#include "exporter/source_factory.hpp"

#include <set>

#include "exporter/shard.hpp"
#include "local/local_source_spec.hpp"
#include "remote/remote_source_spec.hpp"

namespace wte::exporter {

SourceFactory::SourceFactory(boost::asio::any_io_executor executor)
    : limiter_(std::move(executor), 64) {}

void SourceFactory::apply_shared_settings(const config::Config& config) {
  limiter_.set_limit(config.max_concurrent_requests);
}

Result<SourceSpecs, std::vector<Error>> SourceFactory::specs(const config::Config& config,
                                                             const config::TokenEnvironment& env) {
  SourceSpecs specs;
  std::vector<Error> errors;
  std::vector<const config::HostConfig*> hosts;
  for (const auto& host : config.hosts) {
    if (in_shard(host.name, config.shard.index, config.shard.count)) hosts.push_back(&host);
  }
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    auto settings = remote::remote_settings(*hosts[i], config, env, i, hosts.size());
    if (!settings.ok()) {
      errors.push_back(std::move(settings).error());
      continue;
    }
    specs.push_back(std::make_unique<remote::RemoteSourceSpec>(std::move(settings).value(),
                                                               limiter_, tls_contexts_));
  }
  if (auto local = local::local_settings(config, local::machine_host_name())) {
    specs.push_back(std::make_unique<local::LocalSourceSpec>(std::move(*local)));
  }
  // The name is the `host` label: two sources under one name would mix their series.
  std::set<std::string, std::less<>> names;
  for (const auto& spec : specs) {
    if (!names.insert(spec->name()).second) {
      errors.push_back(Error{"two sources are named \"" + spec->name() +
                             "\": local.host_label must differ from every hosts[].name"});
    }
  }
  if (!errors.empty()) return errors;
  return specs;
}

}  // namespace wte::exporter
