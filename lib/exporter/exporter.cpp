#include "exporter/exporter.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "config/loader.hpp"
#include "exporter/registration_api.hpp"
#include "exporter/reload_status.hpp"
#include "metrics/metrics_text.hpp"
#include "metrics/process_collector.hpp"
#include "status/landing_page.hpp"
#include "status/sessions_json.hpp"
#include "web/web_config.hpp"

namespace wte::exporter {

namespace {
constexpr std::string_view kSessionsPath = "/api/v1/sessions";
constexpr std::string_view kSessionsPrefix = "/api/v1/sessions/";
}  // namespace

Exporter::Exporter(boost::asio::io_context& io, logging::Logger& logger, ExporterOptions options,
                   const sources::Clock& clock)
    : io_(io),
      logger_(logger),
      options_(std::move(options)),
      clock_(clock),
      metrics_(options_.version, options_.revision),
      factory_(io.get_executor()) {
  build_routes();
}

Exporter::~Exporter() {
  stop();
}

// Everything that can fail about a config, before anything is changed (prepared_config.hpp),
// with the command line's overrides applied.
Result<PreparedConfig> Exporter::prepare(config::Config config) {
  if (options_.listen_address) config.listen_address = *options_.listen_address;
  if (options_.web_config_file) config.web_config_file = *options_.web_config_file;
  if (options_.shard) config.shard = *options_.shard;
  if (options_.state_directory && config.state_directory == config::Config{}.state_directory) {
    config.state_directory = *options_.state_directory;
  }
  auto prepared = prepare_config(std::move(config), factory_, config::TokenEnvironment::process());
  if (!prepared.ok()) return Error{join_errors(prepared.error())};
  return std::move(prepared).value();
}

void Exporter::apply(PreparedConfig& p) {
  const config::Config& c = p.config;
  logger_.set_level(logging::parse_level(c.log_level));
  factory_.apply_shared_settings(c);
  collector_ = std::make_unique<metrics::SessionCollector>(
      *this, c.limits.max_item_series_per_session,
      [this](std::size_t dropped) { metrics_.dropped("item_series", dropped); });
  api_token_ = std::move(p.api_token);
  if (registry_) registry_->set_limits(registry_limits(c));
  config_ = c;
  apply_sources(std::move(p.sources));
}

// The sources become those of `specs`: a source that stays keeps its sessions and takes its
// new settings, the others are added or removed.
void Exporter::apply_sources(SourceSpecs specs) {
  std::set<std::string, std::less<>> wanted;
  for (const auto& spec : specs) wanted.insert(spec->name());
  for (auto it = sources_.begin(); it != sources_.end();) {
    const std::string name = (it++)->first;
    if (!wanted.contains(name)) {
      logger_.info("source removed from the config", {{"host", name}});
      remove_source(name);
    }
  }
  for (const auto& spec : specs) {
    const auto it = sources_.find(spec->name());
    if (it != sources_.end() && spec->update(*it->second)) {
      sync_registered(*it->second);
      continue;
    }
    if (it != sources_.end()) remove_source(spec->name());
    add_source(*spec);
  }
}

void Exporter::add_source(const sources::SourceSpec& spec) {
  const sources::SourceContext context{io_, metrics_, logger_, clock_};
  auto source = spec.create(context);
  sync_registered(*source);
  source->start();
  sources_.emplace(spec.name(), std::move(source));
}

void Exporter::remove_source(const std::string& name) {
  const auto it = sources_.find(name);
  if (it == sources_.end()) return;
  it->second->stop();
  metrics_.host_removed(name);
  sources_.erase(it);
}

void Exporter::sync_registered(sources::Source& source) {
  if (registry_ && source.accepts_registrations()) {
    source.set_registered_sessions(registry_->sessions_of(source.name()));
  }
}

Status<> Exporter::start(const config::Config& config) {
  auto prepared = prepare(config);
  if (!prepared.ok()) {
    metrics_.set_reload(false, clock_.unix_now());
    return prepared.error();
  }
  auto& p = prepared.value();

  std::error_code ec;
  std::filesystem::create_directories(p.config.state_directory, ec);
  registry_ = std::make_unique<sources::SessionRegistry>(
      io_, (std::filesystem::path(p.config.state_directory) / "sessions.json").string(),
      registry_limits(p.config));
  const auto now = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(clock_.unix_now())));
  if (auto loaded = registry_->load(now); !loaded.ok()) {
    logger_.error("cannot read the registered sessions; starting with none",
                  {{"error", loaded.error().message}});
  }

  web::ServerOptions web;
  web.listen_address = p.config.listen_address;
  web.max_connections = p.config.limits.max_connections;
  web.max_request_bytes = p.config.limits.max_request_bytes;
  web.header_timeout = p.config.limits.header_timeout;
  web.idle_timeout = p.config.limits.idle_timeout;
  web.tls = p.web.tls;
  web.basic_auth_users = p.web.basic_auth_users;
  web.on_connection_dropped = [this] { metrics_.dropped("connections", 1); };
  server_ =
      std::make_unique<web::HttpServer>(io_, web, [this](web::Request r, web::Respond respond) {
        router_.dispatch(std::move(r), std::move(respond));
      });
  Status<> started = Error{"not started"};
  try {
    started = server_->start();
  } catch (const std::exception& e) {  // out of threads or memory for the password checks
    started = Error{e.what()};
  }
  if (!started.ok()) {
    server_.reset();
    return started;
  }
  apply(p);
  record_load(true, "");
  metrics_.set_reload(true, clock_.unix_now());
  render_cache_.clear();
  ready_ = true;
  logger_.info("listening", {{"address", p.config.listen_address},
                             {"port", std::to_string(server_->port())},
                             {"tls", p.web.tls ? "on" : "off"},
                             {"sources", std::to_string(sources_.size())}});
  return done;
}

Status<> Exporter::reload() {
  if (!options_.config_path) return Error{"no config file to reload (started without --config)"};
  const auto loaded = config::load_config_file(*options_.config_path);
  std::string error;
  if (!loaded.ok()) {
    for (const auto& e : loaded.error()) error += e.to_string() + "\n";
  }
  std::optional<PreparedConfig> prepared;
  if (error.empty()) {
    auto result = prepare(loaded.value());
    if (result.ok())
      prepared = std::move(result).value();
    else
      error = result.error().message;
  }
  if (!error.empty()) {
    if (error.back() == '\n') error.pop_back();
    metrics_.set_reload(false, clock_.unix_now());
    logger_.error("config reload failed; the running config stays", {{"error", error}});
    record_load(false, error);
    return Error{error};
  }
  if (prepared->config.listen_address != config_.listen_address) {
    logger_.warn("listen_address changed: it takes effect at the next restart");
  }
  apply(*prepared);
  metrics_.set_reload(true, clock_.unix_now());
  render_cache_.clear();
  logger_.info("config reloaded", {{"sources", std::to_string(sources_.size())}});
  record_load(true, "");
  return done;
}

// For `whm_transfer_exporter reload`, which waits for this after its SIGHUP.
void Exporter::record_load(bool ok, const std::string& message) {
  ++loads_;
  const ReloadStatus status{static_cast<long>(::getpid()), loads_, ok, message};
  if (auto written = write_reload_status(config_.state_directory, status); !written.ok()) {
    logger_.warn("cannot record the outcome of the config load",
                 {{"error", written.error().message}});
  }
}

void Exporter::stop() {
  ready_ = false;
  for (auto& [name, source] : sources_) source->stop();
  if (server_) server_->stop();
}

unsigned short Exporter::port() const {
  return server_ ? server_->port() : 0;
}

void Exporter::for_each_host(const std::function<void(const sources::HostView&)>& visit) const {
  for (const auto& [name, source] : sources_) source->for_each_host(visit);
}

void Exporter::for_each_session(
    const std::function<void(const sources::SessionView&)>& visit) const {
  for (const auto& [name, source] : sources_) source->for_each_session(visit);
}

void Exporter::build_routes() {
  auto sync = [](auto fn) { return web::make_async(std::move(fn)); };
  router_.add("GET", "/", sync([this](const web::Request&) {
                if (!config_.serve_status_pages) return pages_off();
                return web::Response::html(cached_page("/", [this] {
                  status::PageContext ctx;
                  ctx.version = options_.version;
                  ctx.now_unix = clock_.unix_now();
                  ctx.stall_threshold_seconds =
                      std::chrono::duration<double>(config_.stall_threshold).count();
                  return status::render_landing_page(*this, ctx);
                }));
              }));
  router_.add("GET", "/metrics",
              sync([this](const web::Request& r) { return metrics_response(r); }));
  router_.add("GET", std::string(kSessionsPath), sync([this](const web::Request& r) {
                if (!config_.serve_status_pages) return pages_off();
                // ?items=0: the summaries without their items (what the landing page polls).
                const auto items = r.query_param("items");
                status::SessionsJsonContext ctx;
                ctx.now_unix = clock_.unix_now();
                ctx.stall_threshold_seconds =
                    std::chrono::duration<double>(config_.stall_threshold).count();
                ctx.items = !items || (*items != "0" && *items != "false");
                const std::string key = ctx.items ? "/api/v1/sessions" : "/api/v1/sessions?items=0";
                return web::Response::json(
                    200, cached_page(key, [&] { return status::sessions_json(*this, ctx); }));
              }));
  router_.add("POST", std::string(kSessionsPath), [this](web::Request r, web::Respond respond) {
    register_session(r, std::move(respond));
  });
  router_.add_prefix(
      "DELETE", std::string(kSessionsPrefix),
      [this](web::Request r, web::Respond respond) { unregister_session(r, std::move(respond)); });
  router_.add("GET", "/-/healthy",
              sync([](const web::Request&) { return web::Response::text(200, "Healthy\n"); }));
  router_.add("GET", "/-/ready", sync([this](const web::Request&) {
                return ready_ ? web::Response::text(200, "Ready\n")
                              : web::Response::text(503, "Not ready\n");
              }));
  router_.add("POST", "/-/reload",
              sync([this](const web::Request& r) { return reload_response(r); }));
}

web::Response Exporter::metrics_response(const web::Request& request) {
  // Text 0.0.4 or OpenMetrics, gzipped or not, as the scraper asks (metrics/negotiation.hpp).
  const auto exposition =
      metrics::negotiate(request.header("accept"), request.header("accept-encoding"));
  metrics_.record_scrape(exposition);
  web::Response r;
  r.content_type = std::string(metrics::content_type(exposition.format));
  r.headers.emplace_back("Vary", std::string(metrics::kVary));
  if (exposition.gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  if (const std::string* body =
          render_cache_.fresh(exposition.cache_key(), clock_.monotonic_now())) {
    r.body = *body;
    return r;
  }
  const auto started = clock_.monotonic_now();
  const metrics::ProcessCollector process;  // process_*, read from /proc/self
  std::string body = metrics::render_metrics({collector_.get(), &metrics_, &process}, exposition);
  r.body =
      render_cache_.store(exposition.cache_key(), std::move(body), started, clock_.monotonic_now());
  return r;
}

std::optional<web::Response> Exporter::refuse_registration(const web::Request& request) const {
  if (!api_token_) {
    return web::Response::json(
        403,
        R"({"error":"the registration API is disabled: set api.bearer_token_file in the config"})");
  }
  if (!has_bearer_token(request, api_token_->reveal())) {
    auto r = web::Response::json(401, R"({"error":"missing or wrong bearer token"})");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return std::nullopt;
}

namespace {

// {"error": message}, the message escaped as JSON.
web::Response json_error(unsigned status, std::string_view message) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return web::Response::json(status, std::string(out.GetString(), out.GetSize()));
}

}  // namespace

sources::RegistryLimits Exporter::registry_limits(const config::Config& config) {
  sources::RegistryLimits limits;
  limits.max_sessions_per_host = config.limits.max_sessions_per_host;
  return limits;
}

std::size_t Exporter::configured_sessions(const std::string& host) const {
  for (const auto& h : config_.hosts) {
    if (h.name == host) return h.sessions.size();
  }
  return 0;
}

// The registry's file is written off the event loop (a slow or full disk never holds up
// scrapes and polls); the answer goes out once the change is durable, or refused at once
// when it would pass a limit.
void Exporter::register_session(const web::Request& request, web::Respond respond) {
  if (auto refused = refuse_registration(request)) return respond(std::move(*refused));
  auto parsed = parse_register_body(request.body);
  if (!parsed.ok()) return respond(std::move(parsed).error());
  const auto reg = parsed.value();
  const auto source = sources_.find(reg.host);
  if (source == sources_.end() || !source->second->accepts_registrations()) {
    return respond(json_error(404, "no such host in this instance's config"));
  }
  registry_->add_async(reg, configured_sessions(reg.host),
                       [this, reg, respond = std::move(respond)](sources::RegistryChange c) {
                         respond(answer_change(c, reg, "registered", 201));
                       });
}

void Exporter::unregister_session(const web::Request& request, web::Respond respond) {
  if (auto refused = refuse_registration(request)) return respond(std::move(*refused));
  auto parsed = parse_unregister_path(request.path, kSessionsPrefix);
  if (!parsed.ok()) return respond(std::move(parsed).error());
  const auto reg = parsed.value();
  if (!registry_->all().contains(reg)) {
    return respond(json_error(404, "no such registered session"));
  }
  registry_->remove_async(reg,
                          [this, reg, respond = std::move(respond)](sources::RegistryChange c) {
                            respond(answer_change(c, reg, "removed", 200));
                          });
}

// The answer to a registry change, once it is known; the host's source is re-synced.
web::Response Exporter::answer_change(const sources::RegistryChange& change,
                                      const sources::Registration& reg, std::string_view done,
                                      unsigned done_status) {
  using Status = sources::RegistryChange::Status;
  if (change.status == Status::refused) {
    logger_.warn("session registration refused",
                 {{"host", reg.host}, {"session", reg.session_id}, {"reason", change.message}});
    return json_error(409, change.message);
  }
  if (change.status == Status::failed) {
    logger_.error("cannot save the registered sessions", {{"error", change.message}});
    return json_error(500, "cannot save the registration; see the log");
  }
  if (const auto source = sources_.find(reg.host); source != sources_.end()) {
    sync_registered(*source->second);
  }
  if (change.status == Status::done) {
    logger_.info(done == "registered" ? "session registered" : "session unregistered",
                 {{"host", reg.host}, {"session", reg.session_id}});
  }
  return web::Response::json(done_status, "{\"status\":\"" + std::string(done) + "\"}");
}

// `/` and the API, rendered at most once per reuse window however many clients ask
// (metrics/render_cache.hpp): a flood of page requests cannot starve scrapes and polls.
std::string Exporter::cached_page(std::string_view key,
                                  const std::function<std::string()>& render) {
  if (const std::string* body = render_cache_.fresh(key, clock_.monotonic_now())) return *body;
  const auto started = clock_.monotonic_now();
  std::string body = render();
  return render_cache_.store(key, std::move(body), started, clock_.monotonic_now());
}

// `serve_status_pages: false`: the page and the API, which show account names and failure
// texts, are not served.
web::Response Exporter::pages_off() {
  return web::Response::text(404, "not served here (serve_status_pages: false); see /metrics\n");
}

// As Prometheus' lifecycle API: off unless enabled, and behind the API token when one is
// configured. A refused reload says nothing of the config to the caller (it is in the log).
web::Response Exporter::reload_response(const web::Request& request) {
  if (!config_.enable_lifecycle && !options_.enable_lifecycle) {
    return web::Response::text(
        403,
        "the lifecycle API is off: start with --web.enable-lifecycle (or set "
        "enable_lifecycle: true), or send SIGHUP\n");
  }
  if (api_token_ && !has_bearer_token(request, api_token_->reveal())) {
    auto r = web::Response::text(401, "missing or wrong bearer token\n");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (reload().ok()) return web::Response::text(200, "config reloaded\n");
  return web::Response::text(
      500, "config reload failed; the running config stays (the reason is in the log)\n");
}

}  // namespace wte::exporter
