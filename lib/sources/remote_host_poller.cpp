#include "sources/remote_host_poller.hpp"

#include <algorithm>
#include <tuple>

#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"
#include "sources/poll_schedule.hpp"

namespace wte::sources {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

RemoteHostPoller::RemoteHostPoller(boost::asio::io_context& io, RemoteHostSettings settings,
                                   RequestLimiter& limiter, whm::TlsContextCache& tls_contexts,
                                   metrics::ExporterMetrics& metrics, logging::Logger& logger)
    : io_(io),
      settings_(std::move(settings)),
      limiter_(limiter),
      tls_contexts_(tls_contexts),
      metrics_(metrics),
      logger_(logger),
      client_(std::make_unique<whm::WhmClient>(io, settings_.endpoint, tls_contexts)),
      timer_(io) {
  metrics_.add_host(name());
}

RemoteHostPoller::~RemoteHostPoller() {
  timer_.cancel();
  if (client_) client_->cancel_all();
}

std::size_t RemoteHostPoller::set_sessions(const std::vector<std::string>& ids) {
  std::set<std::string> wanted;
  std::size_t refused = 0;
  for (const auto& id : ids) {
    if (wanted.size() >= settings_.max_sessions && !wanted.contains(id)) {
      ++refused;
      continue;
    }
    wanted.insert(id);
  }
  std::erase_if(sessions_, [&](const auto& kv) { return !wanted.contains(kv.first); });
  std::erase_if(expired_, [&](const auto& id) { return !wanted.contains(id); });
  for (const auto& id : wanted) {
    if (!sessions_.contains(id) && !expired_.contains(id)) {
      sessions_.try_emplace(id, name(), id, settings_.engine_limits);
    }
  }
  if (refused > 0) {
    metrics_.record_drop("sessions_per_host", refused);
    logger_.warn("too many sessions for one host; the rest are not watched",
                 {{"host", name()},
                  {"limit", std::to_string(settings_.max_sessions)},
                  {"refused", std::to_string(refused)}});
  }
  return refused;
}

namespace {
bool same_endpoint(const whm::Endpoint& a, const whm::Endpoint& b) {
  return std::tie(a.name, a.host, a.port, a.user, a.token, a.ca_file, a.tls_insecure_skip_verify,
                  a.timeout, a.max_response_bytes, a.max_connections, a.extra_connection_after) ==
         std::tie(b.name, b.host, b.port, b.user, b.token, b.ca_file, b.tls_insecure_skip_verify,
                  b.timeout, b.max_response_bytes, b.max_connections, b.extra_connection_after);
}
}  // namespace

void RemoteHostPoller::update_settings(RemoteHostSettings settings) {
  const bool endpoint_changed = !same_endpoint(settings.endpoint, settings_.endpoint);
  settings_ = std::move(settings);
  if (endpoint_changed) {
    // In-flight requests of the old pool complete with a cancel error, counted once.
    client_->cancel_all();
    client_ = std::make_unique<whm::WhmClient>(io_, settings_.endpoint, tls_contexts_);
    handshakes_reported_ = 0;
  }
}

void RemoteHostPoller::start(std::chrono::milliseconds initial_delay) {
  running_ = true;
  if (settings_.endpoint.tls_insecure_skip_verify) {
    logger_.warn("TLS certificate verification is OFF for this host (tls_insecure_skip_verify)",
                 {{"host", name()}});
  }
  schedule(initial_delay);
}

void RemoteHostPoller::stop() {
  running_ = false;
  timer_.cancel();
  client_->cancel_all();
}

void RemoteHostPoller::schedule(std::chrono::milliseconds delay) {
  if (!running_) return;
  timer_.expires_after(delay);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self && self->running_) self->start_round();
  });
}

void RemoteHostPoller::expire_finished(double now) {
  const double retention = std::chrono::duration<double>(settings_.finished_retention).count();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const auto finished = it->second.finished_at();
    if (finished && now - *finished >= retention) {
      expired_.insert(it->first);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

void RemoteHostPoller::start_round() {
  expire_finished(unix_now());
  round_ = Round{round_.id + 1, std::chrono::steady_clock::now(), 0, 0, {}, {}};
  in_round_ = true;
  std::vector<std::string> active;
  for (const auto& [id, s] : sessions_) {
    if (!s.finished_at()) active.push_back(id);
  }
  if (active.empty()) {
    finish_round();
    return;
  }
  round_.pending = active.size();
  for (const auto& id : active) poll_session(id);
}

TrackedSession* RemoteHostPoller::find(const std::string& id) {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

void RemoteHostPoller::poll_session(const std::string& id) {
  limiter_.acquire([weak = weak_from_this(), id](RequestLimiter::Permit permit) {
    auto self = weak.lock();
    if (!self) return;
    auto held = std::make_shared<RequestLimiter::Permit>(std::move(permit));
    self->client_->get_session_state(id, [weak, id, held](whm::Result<std::string> r) {
      *held = RequestLimiter::Permit();  // the request is over: free the slot first
      if (auto s = weak.lock()) s->on_state(id, std::move(r));
    });
  });
}

void RemoteHostPoller::fetch_log(const std::string& id) {
  limiter_.acquire([weak = weak_from_this(), id](RequestLimiter::Permit permit) {
    auto self = weak.lock();
    if (!self) return;
    auto held = std::make_shared<RequestLimiter::Permit>(std::move(permit));
    self->client_->fetch_session_log(id, [weak, id, held](whm::Result<whm::LogBody> r) {
      *held = RequestLimiter::Permit();
      if (auto s = weak.lock()) s->on_log(id, std::move(r));
    });
  });
}

// The client counts handshakes when an exchange ends, just before its callback: the metric
// follows from here, so lib/whm needs no hook into the metrics.
void RemoteHostPoller::report_client_stats() {
  const std::uint64_t done = client_->stats().tls_handshakes;
  if (done > handshakes_reported_) metrics_.add_tls_handshakes(name(), done - handshakes_reported_);
  handshakes_reported_ = done;
}

void RemoteHostPoller::on_state(const std::string& id, whm::Result<std::string> result) {
  report_client_stats();
  TrackedSession* s = find(id);
  if (!result.ok()) {
    on_error(id, result.error());
    session_done();
    return;
  }
  if (!s) {  // dropped by a reload while the request was in flight
    session_done();
    return;
  }
  s->set_api_state(std::move(result).value());
  fetch_log(id);
}

void RemoteHostPoller::on_log(const std::string& id, whm::Result<whm::LogBody> result) {
  report_client_stats();
  TrackedSession* s = find(id);
  if (!result.ok()) {
    on_error(id, result.error());
    session_done();
    return;
  }
  if (s) {
    const auto before = s->log().info();
    const auto r = s->ingest_whole_log(result.value().log, unix_now());
    const auto& after = s->log().info();
    metrics_.add_read_bytes(name(), r.new_bytes);
    if (r.reset) {
      metrics_.record_reset(name());
      logger_.warn("session log changed under us (shorter or different); read again from byte 0",
                   {{"host", name()}, {"session", id}});
      metrics_.add_lines(name(), after.lines, after.malformed_lines);
      metrics_.record_drop("line_length", after.overlong_lines);
    } else {
      metrics_.add_lines(name(), after.lines - before.lines,
                         after.malformed_lines - before.malformed_lines);
      metrics_.record_drop("line_length", after.overlong_lines - before.overlong_lines);
    }
    s->set_last_error("");
    // A final state was seen before this fetch: the log is now read to its end.
    if (s->is_final()) {
      s->mark_finished(unix_now());
      logger_.info("session finished; no longer polled",
                   {{"host", name()}, {"session", id}, {"state", std::string(s->state())}});
    }
  }
  session_done();
}

void RemoteHostPoller::on_error(const std::string& id, const whm::ApiError& error) {
  const std::string reason(whm::to_string(error.reason));
  metrics_.record_error(name(), reason);
  if (error.reason == whm::ErrorReason::too_large) metrics_.record_drop("response_size");
  if (round_.errors++ == 0) {
    round_.first_error_reason = reason;
    round_.first_error_message = error.message;
  }
  if (TrackedSession* s = find(id)) {
    if (s->last_error() != reason + ": " + error.message) {
      logger_.warn(
          "request failed",
          {{"host", name()}, {"session", id}, {"reason", reason}, {"error", error.message}});
    }
    s->set_last_error(reason + ": " + error.message);
  }
}

void RemoteHostPoller::session_done() {
  if (round_.pending > 0 && --round_.pending == 0) finish_round();
}

void RemoteHostPoller::finish_round() {
  if (!in_round_) return;
  in_round_ = false;
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - round_.started);
  const double now = unix_now();
  last_poll_ = now;
  last_duration_ = std::chrono::duration<double>(took).count();
  metrics_.observe_poll(name(), last_duration_);
  const bool was_up = up_;
  up_ = round_.errors == 0;
  if (up_) {
    last_success_ = now;
    last_error_reason_.clear();
    last_error_message_.clear();
    consecutive_failures_ = 0;
    if (!was_up) logger_.info("host is up", {{"host", name()}});
  } else {
    last_error_reason_ = round_.first_error_reason;
    last_error_message_ = round_.first_error_message;
    ++consecutive_failures_;
  }
  schedule(next_delay(settings_.interval, took, consecutive_failures_));
}

HostView RemoteHostPoller::view() const {
  HostView v;
  v.name = name();
  v.kind = "remote";
  v.up = up_;
  v.last_success_unix = last_success_;
  v.last_poll_unix = last_poll_;
  v.last_poll_duration_seconds = last_duration_;
  v.last_error_reason = last_error_reason_;
  v.last_error_message = last_error_message_;
  v.tls_insecure = settings_.endpoint.tls_insecure_skip_verify;
  v.sessions = sessions_.size();
  return v;
}

void RemoteHostPoller::for_each_session(
    const std::function<void(const SessionView&)>& visit) const {
  for (const auto& [id, s] : sessions_) {
    std::optional<std::string_view> api;
    if (s.api_state()) api = *s.api_state();
    visit(SessionView{name(), id, api, s.log().model(), s.last_change_unix(),
                      s.finished_at().has_value(), s.last_error()});
  }
}

const whm::ClientStats& RemoteHostPoller::client_stats() const {
  return client_->stats();
}

}  // namespace wte::sources
