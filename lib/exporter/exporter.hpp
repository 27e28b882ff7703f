#pragma once
// The exporter: the configured sources (through sources::Source, whatever their kind), the
// session registry, the metrics, and the web endpoints, all on one event loop.
// daemon/main.cpp builds it from the command line and drives it with signals.
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/token.hpp"
#include "exporter/prepared_config.hpp"
#include "exporter/source_factory.hpp"
#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"
#include "metrics/render_cache.hpp"
#include "metrics/session_collector.hpp"
#include "sources/clock.hpp"
#include "sources/session_registry.hpp"
#include "sources/source.hpp"
#include "sources/status_source.hpp"
#include "web/http_server.hpp"
#include "web/router.hpp"

namespace wte::exporter {

struct ExporterOptions {
  std::string version;
  std::string revision;
  std::optional<std::string> config_path;  // re-read on reload; none: defaults only
  // Command-line overrides that win over the file on every (re)load.
  std::optional<std::string> listen_address;
  std::optional<std::string> web_config_file;
  std::optional<config::ShardSpec> shard;
  bool enable_lifecycle = false;  // --web.enable-lifecycle: POST /-/reload
  // systemd's $STATE_DIRECTORY (StateDirectory=, one per shard instance): replaces the
  // built-in default of state_directory, not a directory the file names, on every (re)load.
  std::optional<std::string> state_directory;
};

class Exporter : public sources::StatusSource {
 public:
  // `clock` outlives the exporter.
  Exporter(boost::asio::io_context& io, logging::Logger& logger, ExporterOptions options,
           const sources::Clock& clock);
  ~Exporter() override;
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Applies `config`, loads the registry and binds the listener. The error is a message for
  // the operator (bad token file, unbindable address, bad web config).
  Status<> start(const config::Config& config);
  // Re-reads the config file. On any error the running config stays; the error is logged
  // and recorded here, and returned.
  Status<> reload();
  void stop();

  unsigned short port() const;
  bool ready() const noexcept { return ready_; }

  void for_each_host(const std::function<void(const sources::HostView&)>& visit) const override;
  void for_each_session(
      const std::function<void(const sources::SessionView&)>& visit) const override;

 private:
  Result<PreparedConfig> prepare(config::Config config);
  void apply(PreparedConfig& prepared);
  void apply_sources(SourceSpecs specs);
  void add_source(const sources::SourceSpec& spec);
  void remove_source(const std::string& name);
  void sync_registered(sources::Source& source);
  void build_routes();
  web::Response metrics_response(const web::Request& request);
  // The 403 (API disabled) or 401 (no or wrong bearer token) to send, if any.
  std::optional<web::Response> refuse_registration(const web::Request& request) const;
  void register_session(const web::Request& request, web::Respond respond);
  void unregister_session(const web::Request& request, web::Respond respond);
  web::Response answer_change(const sources::RegistryChange& change,
                              const sources::Registration& reg, std::string_view done,
                              unsigned done_status);
  static sources::RegistryLimits registry_limits(const config::Config& config);
  std::size_t configured_sessions(const std::string& host) const;
  std::string cached_page(std::string_view key, const std::function<std::string()>& render);
  web::Response reload_response(const web::Request& request);
  static web::Response pages_off();
  void record_load(bool ok, const std::string& message);

  boost::asio::io_context& io_;
  logging::Logger& logger_;
  ExporterOptions options_;
  const sources::Clock& clock_;
  config::Config config_;
  std::optional<config::Secret> api_token_;
  metrics::ExporterMetrics metrics_;
  std::unique_ptr<metrics::SessionCollector> collector_;
  SourceFactory factory_;
  std::unique_ptr<sources::SessionRegistry> registry_;
  std::map<std::string, std::shared_ptr<sources::Source>, std::less<>> sources_;  // by name
  web::Router router_;
  std::unique_ptr<web::HttpServer> server_;
  metrics::RenderCache render_cache_;  // back-to-back scrapes share one render
  bool ready_ = false;
  std::uint64_t loads_ = 0;  // config loads: the start, then every reload
};

}  // namespace wte::exporter
