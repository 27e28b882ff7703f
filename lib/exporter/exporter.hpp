#pragma once
// The exporter: the configured sources (remote WHM hosts, and the local disk), the session
// registry, the metrics, and the web endpoints, all on one event loop. daemon/main.cpp
// builds it from the command line and drives it with signals.
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/token.hpp"
#include "local/local_source.hpp"
#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"
#include "metrics/render_cache.hpp"
#include "metrics/session_collector.hpp"
#include "sources/remote_host_poller.hpp"
#include "sources/request_limiter.hpp"
#include "sources/session_registry.hpp"
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
};

class Exporter : public sources::StatusSource {
 public:
  Exporter(boost::asio::io_context& io, logging::Logger& logger, ExporterOptions options);
  ~Exporter() override;
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // Applies `config`, loads the registry and binds the listener. Returns "" or an error
  // message for the operator (bad token file, unbindable address, bad web config).
  std::string start(const config::Config& config);
  // Re-reads the config file. On any error the running config stays; returns the error.
  std::string reload();
  void stop();

  unsigned short port() const;
  bool ready() const noexcept { return ready_; }

  void for_each_host(const std::function<void(const sources::HostView&)>& visit) const override;
  void for_each_session(
      const std::function<void(const sources::SessionView&)>& visit) const override;

 private:
  struct Prepared;  // a config with its secrets loaded, ready to apply
  std::variant<std::unique_ptr<Prepared>, std::string> prepare(const config::Config& config) const;
  void apply(Prepared& prepared);
  void apply_local(const config::Config& config);
  void sync_sessions();
  void build_routes();
  web::Response metrics_response(const web::Request& request);
  // The 403 (API disabled) or 401 (no or wrong bearer token) to send, if any.
  std::optional<web::Response> refuse_registration(const web::Request& request) const;
  web::Response register_session(const web::Request& request);
  web::Response unregister_session(const web::Request& request);
  web::Response reload_response();

  boost::asio::io_context& io_;
  logging::Logger& logger_;
  ExporterOptions options_;
  config::Config config_;
  std::optional<config::Secret> api_token_;
  metrics::ExporterMetrics metrics_;
  std::unique_ptr<metrics::SessionCollector> collector_;
  sources::RequestLimiter limiter_;
  whm::TlsContextCache tls_contexts_;  // one TLS context per trust setting, not per host
  std::unique_ptr<sources::SessionRegistry> registry_;
  std::map<std::string, std::shared_ptr<sources::RemoteHostPoller>> remote_;
  std::shared_ptr<local::LocalSource> local_;  // when local mode is on
  web::Router router_;
  std::unique_ptr<web::HttpServer> server_;
  std::uint64_t connections_dropped_seen_ = 0;
  metrics::RenderCache render_cache_;  // back-to-back scrapes share one render
  bool ready_ = false;
};

}  // namespace wte::exporter
