#include "exporter/exporter.hpp"

#include <unistd.h>

#include <filesystem>
#include <set>

#include "config/loader.hpp"
#include "exporter/registration_api.hpp"
#include "exporter/shard.hpp"
#include "metrics/metrics_text.hpp"
#include "metrics/process_collector.hpp"
#include "sources/poll_schedule.hpp"
#include "status/landing_page.hpp"
#include "status/sessions_json.hpp"
#include "web/web_config.hpp"

namespace wte::exporter {

namespace {
constexpr std::string_view kSessionsPath = "/api/v1/sessions";
constexpr std::string_view kSessionsPrefix = "/api/v1/sessions/";
}  // namespace

struct Exporter::Prepared {
  config::Config config;
  std::map<std::string, config::Secret> host_tokens;
  std::optional<config::Secret> api_token;
  web::WebConfig web;
};

Exporter::Exporter(boost::asio::io_context& io, logging::Logger& logger, ExporterOptions options)
    : io_(io),
      logger_(logger),
      options_(std::move(options)),
      metrics_(options_.version, options_.revision),
      limiter_(io.get_executor(), 64) {
  build_routes();
}

Exporter::~Exporter() {
  stop();
}

std::variant<std::unique_ptr<Exporter::Prepared>, std::string> Exporter::prepare(
    const config::Config& config) const {
  auto p = std::make_unique<Prepared>();
  p->config = config;
  if (options_.listen_address) p->config.listen_address = *options_.listen_address;
  if (options_.web_config_file) p->config.web_config_file = *options_.web_config_file;
  if (options_.shard) p->config.shard = *options_.shard;
  std::string errors;
  const auto env = config::TokenEnvironment::process();
  const bool insecure_ok = p->config.allow_insecure_token_permissions;
  for (const auto& host : p->config.hosts) {
    if (!in_shard(host.name, p->config.shard.index, p->config.shard.count)) continue;
    auto token = config::load_token(host.token, env, insecure_ok);
    if (!token.ok()) {
      errors += "host " + host.name + ": " + token.error + "\n";
    } else {
      p->host_tokens.emplace(host.name, std::move(*token.token));
    }
  }
  if (p->config.api_token) {
    auto token = config::load_token(*p->config.api_token, env, insecure_ok);
    if (!token.ok())
      errors += "api: " + token.error + "\n";
    else
      p->api_token = std::move(*token.token);
  }
  if (p->config.web_config_file) {
    const auto web = web::load_web_config(*p->config.web_config_file);
    for (const auto& e : web.errors) errors += e.to_string() + "\n";
    p->web = web.config;
  }
  if (!errors.empty()) {
    errors.pop_back();
    return errors;
  }
  return p;
}

namespace {

sources::RemoteHostSettings host_settings(const config::HostConfig& host,
                                          const config::Secret& token,
                                          const config::Config& config) {
  sources::RemoteHostSettings s;
  s.endpoint.name = host.name;
  s.endpoint.host = host.host;
  s.endpoint.port = host.port;
  s.endpoint.user = host.user;
  s.endpoint.token = token.reveal();
  s.endpoint.ca_file = host.ca_file;
  s.endpoint.tls_insecure_skip_verify = host.tls_insecure_skip_verify;
  s.endpoint.timeout = host.timeout;
  s.endpoint.max_response_bytes = config.limits.max_response_bytes;
  s.interval = config.poll_interval;
  s.finished_retention = config.finished_retention;
  s.engine_limits.max_line_bytes = config.limits.max_line_bytes;
  s.max_sessions = config.limits.max_sessions_per_host;
  return s;
}

}  // namespace

void Exporter::apply(Prepared& p) {
  const config::Config& c = p.config;
  logger_.set_level(logging::parse_level(c.log_level));
  limiter_.set_limit(c.max_concurrent_requests);
  collector_ = std::make_unique<metrics::SessionCollector>(
      *this, c.limits.max_item_series_per_session,
      [this](std::size_t dropped) { metrics_.record_drop("item_series", dropped); });

  std::set<std::string> wanted;
  for (const auto& [name, token] : p.host_tokens) wanted.insert(name);
  for (auto it = remote_.begin(); it != remote_.end();) {
    if (!wanted.contains(it->first)) {
      logger_.info("host removed from the config", {{"host", it->first}});
      it->second->stop();
      metrics_.forget_host(it->first);
      it = remote_.erase(it);
    } else {
      ++it;
    }
  }
  std::size_t index = 0;
  for (const auto& host : c.hosts) {
    const auto token = p.host_tokens.find(host.name);
    if (token == p.host_tokens.end()) continue;  // another shard's
    auto settings = host_settings(host, token->second, c);
    if (auto it = remote_.find(host.name); it != remote_.end()) {
      it->second->update_settings(std::move(settings));
    } else {
      auto poller = std::make_shared<sources::RemoteHostPoller>(io_, std::move(settings), limiter_,
                                                                tls_contexts_, metrics_, logger_);
      poller->start(sources::initial_delay(index, p.host_tokens.size(), c.poll_interval));
      remote_.emplace(host.name, std::move(poller));
    }
    ++index;
  }
  api_token_ = std::move(p.api_token);
  config_ = c;
  sync_sessions();
  apply_local(c);
}

namespace {
std::string machine_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "local";
  return buf;
}
}  // namespace

void Exporter::apply_local(const config::Config& c) {
  if (!c.local.enabled) {
    if (local_) {
      local_->stop();
      metrics_.forget_host(local_->name());
      local_.reset();
    }
    return;
  }
  local::LocalSettings s;
  s.path = c.local.path;
  s.poll_interval = c.local.poll_interval;
  s.host_label = c.local.host_label.value_or(machine_host_name());
  s.inotify = c.local.inotify;
  s.finished_retention = c.finished_retention;
  s.engine_limits.max_line_bytes = c.limits.max_line_bytes;
  s.max_sessions = c.limits.max_sessions_per_host;
  if (local_ && local_->name() == s.host_label) {
    local_->update_settings(std::move(s));
    return;
  }
  if (local_) {  // a new label: the old series go
    local_->stop();
    metrics_.forget_host(local_->name());
  }
  logger_.info("local mode", {{"path", s.path}, {"host", s.host_label}});
  local_ = std::make_shared<local::LocalSource>(io_, std::move(s), metrics_, logger_);
  local_->start();
}

void Exporter::sync_sessions() {
  for (const auto& host : config_.hosts) {
    const auto it = remote_.find(host.name);
    if (it == remote_.end()) continue;
    std::vector<std::string> ids = host.sessions;
    if (registry_) {
      for (auto& id : registry_->sessions_of(host.name)) ids.push_back(std::move(id));
    }
    it->second->set_sessions(ids);
  }
}

std::string Exporter::start(const config::Config& config) {
  auto prepared = prepare(config);
  if (auto* error = std::get_if<std::string>(&prepared)) {
    metrics_.set_reload(false, sources::unix_now());
    return *error;
  }
  auto& p = *std::get<std::unique_ptr<Prepared>>(prepared);

  std::error_code ec;
  std::filesystem::create_directories(p.config.state_directory, ec);
  registry_ = std::make_unique<sources::SessionRegistry>(
      (std::filesystem::path(p.config.state_directory) / "sessions.json").string());
  if (auto err = registry_->load(); !err.empty()) {
    logger_.error("cannot read the registered sessions; starting with none", {{"error", err}});
  }

  web::ServerOptions web;
  web.listen_address = p.config.listen_address;
  web.max_connections = p.config.limits.max_connections;
  web.max_request_bytes = p.config.limits.max_request_bytes;
  web.header_timeout = p.config.limits.header_timeout;
  web.idle_timeout = p.config.limits.idle_timeout;
  web.tls = p.web.tls;
  web.basic_auth_users = p.web.basic_auth_users;
  server_ =
      std::make_unique<web::HttpServer>(io_, web, [this](web::Request r, web::Respond respond) {
        router_.dispatch(std::move(r), std::move(respond));
      });
  try {
    server_->start();
  } catch (const std::exception& e) {
    server_.reset();
    return e.what();
  }
  apply(p);
  metrics_.set_reload(true, sources::unix_now());
  render_cache_.clear();
  ready_ = true;
  logger_.info("listening", {{"address", p.config.listen_address},
                             {"port", std::to_string(server_->port())},
                             {"tls", p.web.tls ? "on" : "off"},
                             {"hosts", std::to_string(remote_.size())}});
  return "";
}

std::string Exporter::reload() {
  if (!options_.config_path) return "no config file to reload (started without --config)";
  const auto loaded = config::load_config_file(*options_.config_path);
  std::string error;
  for (const auto& e : loaded.errors) error += e.to_string() + "\n";
  std::unique_ptr<Prepared> prepared;
  if (error.empty()) {
    auto result = prepare(*loaded.config);
    if (auto* e = std::get_if<std::string>(&result))
      error = *e;
    else
      prepared = std::move(std::get<std::unique_ptr<Prepared>>(result));
  }
  if (!error.empty()) {
    if (error.back() == '\n') error.pop_back();
    metrics_.set_reload(false, sources::unix_now());
    logger_.error("config reload failed; the running config stays", {{"error", error}});
    return error;
  }
  if (prepared->config.listen_address != config_.listen_address) {
    logger_.warn("listen_address changed: it takes effect at the next restart");
  }
  apply(*prepared);
  metrics_.set_reload(true, sources::unix_now());
  render_cache_.clear();
  logger_.info("config reloaded", {{"hosts", std::to_string(remote_.size())}});
  return "";
}

void Exporter::stop() {
  ready_ = false;
  for (auto& [name, poller] : remote_) poller->stop();
  if (local_) local_->stop();
  if (server_) server_->stop();
}

unsigned short Exporter::port() const {
  return server_ ? server_->port() : 0;
}

void Exporter::for_each_host(const std::function<void(const sources::HostView&)>& visit) const {
  for (const auto& [name, poller] : remote_) visit(poller->view());
  if (local_) visit(local_->view());
}

void Exporter::for_each_session(
    const std::function<void(const sources::SessionView&)>& visit) const {
  for (const auto& [name, poller] : remote_) poller->for_each_session(visit);
  if (local_) local_->for_each_session(visit);
}

void Exporter::build_routes() {
  auto sync = [](auto fn) { return web::make_async(std::move(fn)); };
  router_.add("GET", "/", sync([this](const web::Request&) {
                status::PageContext ctx;
                ctx.version = options_.version;
                ctx.now_unix = sources::unix_now();
                return web::Response::html(status::render_landing_page(*this, ctx));
              }));
  router_.add("GET", "/metrics",
              sync([this](const web::Request& r) { return metrics_response(r); }));
  router_.add("GET", std::string(kSessionsPath), sync([this](const web::Request&) {
                return web::Response::json(200, status::sessions_json(*this));
              }));
  router_.add("POST", std::string(kSessionsPath),
              sync([this](const web::Request& r) { return register_session(r); }));
  router_.add_prefix("DELETE", std::string(kSessionsPrefix),
                     sync([this](const web::Request& r) { return unregister_session(r); }));
  router_.add("GET", "/-/healthy",
              sync([](const web::Request&) { return web::Response::text(200, "Healthy\n"); }));
  router_.add("GET", "/-/ready", sync([this](const web::Request&) {
                return ready_ ? web::Response::text(200, "Ready\n")
                              : web::Response::text(503, "Not ready\n");
              }));
  router_.add("POST", "/-/reload", sync([this](const web::Request&) { return reload_response(); }));
}

web::Response Exporter::metrics_response(const web::Request& request) {
  if (server_) {
    const auto rejected = server_->stats().connections_rejected;
    if (rejected > connections_dropped_seen_) {
      metrics_.record_drop("connections", rejected - connections_dropped_seen_);
      connections_dropped_seen_ = rejected;
    }
  }
  // Text 0.0.4 or OpenMetrics, gzipped or not, as the scraper asks (metrics/negotiation.hpp).
  const auto exposition =
      metrics::negotiate(request.header("accept"), request.header("accept-encoding"));
  metrics_.record_scrape(exposition);
  web::Response r;
  r.content_type = std::string(metrics::content_type(exposition.format));
  r.headers.emplace_back("Vary", std::string(metrics::kVary));
  if (exposition.gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  using Clock = metrics::RenderCache::Clock;
  if (const std::string* body = render_cache_.fresh(Clock::now(), exposition.slot())) {
    r.body = *body;
    return r;
  }
  const auto started = Clock::now();
  const metrics::ProcessCollector process;  // process_*, read from /proc/self
  std::string body = metrics::render_metrics({collector_.get(), &metrics_, &process}, exposition);
  r.body = render_cache_.store(std::move(body), started, Clock::now(), exposition.slot());
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

web::Response Exporter::register_session(const web::Request& request) {
  if (auto refused = refuse_registration(request)) return *refused;
  auto parsed = parse_register_body(request.body);
  if (auto* error = std::get_if<web::Response>(&parsed)) return *error;
  const auto& reg = std::get<sources::Registration>(parsed);
  if (!remote_.contains(reg.host)) {
    return web::Response::json(404, R"({"error":"no such host in this instance's config"})");
  }
  if (auto err = registry_->add(reg); !err.empty()) {
    logger_.error("cannot save the registered sessions", {{"error", err}});
    return web::Response::json(500, R"({"error":"cannot save the registration; see the log"})");
  }
  sync_sessions();
  logger_.info("session registered", {{"host", reg.host}, {"session", reg.session_id}});
  return web::Response::json(201, R"({"status":"registered"})");
}

web::Response Exporter::unregister_session(const web::Request& request) {
  if (auto refused = refuse_registration(request)) return *refused;
  auto parsed = parse_unregister_path(request.path, kSessionsPrefix);
  if (auto* error = std::get_if<web::Response>(&parsed)) return *error;
  const auto& reg = std::get<sources::Registration>(parsed);
  if (!registry_->all().contains(reg)) {
    return web::Response::json(404, R"({"error":"no such registered session"})");
  }
  if (auto err = registry_->remove(reg); !err.empty()) {
    logger_.error("cannot save the registered sessions", {{"error", err}});
    return web::Response::json(500, R"({"error":"cannot save the registration; see the log"})");
  }
  sync_sessions();
  logger_.info("session unregistered", {{"host", reg.host}, {"session", reg.session_id}});
  return web::Response::json(200, R"({"status":"removed"})");
}

web::Response Exporter::reload_response() {
  const std::string error = reload();
  if (error.empty()) return web::Response::text(200, "config reloaded\n");
  return web::Response::text(500,
                             "config reload failed; the running config stays:\n" + error + "\n");
}

}  // namespace wte::exporter
