#include "remote/remote_source.hpp"

#include <set>
#include <tuple>

#include "logging/logger.hpp"
#include "sources/poll_schedule.hpp"

namespace wte::remote {

namespace {

bool same_endpoint(const whm::Endpoint& a, const whm::Endpoint& b) {
  return std::tie(a.name, a.host, a.port, a.user, a.token, a.ca_file, a.tls_insecure_skip_verify,
                  a.timeout, a.max_response_bytes, a.max_connections, a.extra_connection_after) ==
         std::tie(b.name, b.host, b.port, b.user, b.token, b.ca_file, b.tls_insecure_skip_verify,
                  b.timeout, b.max_response_bytes, b.max_connections, b.extra_connection_after);
}

double seconds(std::chrono::milliseconds d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

RemoteSource::RemoteSource(const sources::SourceContext& context, RemoteSettings settings,
                           RequestLimiter& limiter, whm::TlsContextCache& tls_contexts)
    : io_(context.io),
      recorder_(context.recorder),
      logger_(context.logger),
      clock_(context.clock),
      settings_(std::move(settings)),
      limiter_(limiter),
      tls_contexts_(tls_contexts),
      client_(make_client()),
      timer_(context.io) {
  recorder_.host_added(name());
  watch_sessions();
}

RemoteSource::~RemoteSource() {
  timer_.cancel();
  if (client_) client_->cancel_all();
}

std::unique_ptr<whm::WhmClient> RemoteSource::make_client() {
  auto client = std::make_unique<whm::WhmClient>(io_, settings_.endpoint, tls_contexts_);
  // The recorder outlives the sources; the name is copied: a reload may rename nothing, but
  // the observer must not reach into a destroyed source either.
  client->on_tls_handshake(
      [&recorder = recorder_, host = name()] { recorder.tls_handshakes(host, 1); });
  return client;
}

// The configured and registered sessions, up to max_sessions. Sessions that stay keep their
// state; new ones are read from byte 0; the others are dropped.
void RemoteSource::watch_sessions() {
  std::set<std::string, std::less<>> listed(settings_.sessions.begin(), settings_.sessions.end());
  listed.insert(registered_.begin(), registered_.end());
  sessions_.keep_listed(
      listed, [](const Entry&) { return false; }, [](const std::string&, const Entry&) {});
  for (const auto& id : listed) {
    if (!sessions_.contains(id)) {
      sessions_.add(id, settings_.max_sessions, name(), id, settings_.engine_limits);
    }
  }
  if (const std::size_t refused = sessions_.take_newly_refused(); refused > 0) {
    recorder_.dropped("sessions_per_host", refused);
    logger_.warn("too many sessions for one host; the rest are not watched",
                 {{"host", name()},
                  {"limit", std::to_string(settings_.max_sessions)},
                  {"refused", std::to_string(refused)}});
  }
}

void RemoteSource::set_registered_sessions(const std::vector<std::string>& ids) {
  registered_ = ids;
  watch_sessions();
}

void RemoteSource::update_settings(RemoteSettings settings) {
  const bool endpoint_changed = !same_endpoint(settings.endpoint, settings_.endpoint);
  settings_ = std::move(settings);
  if (endpoint_changed) {
    // In-flight requests of the old pool complete with a cancel error, counted once.
    client_->cancel_all();
    client_ = make_client();
  }
  watch_sessions();
}

void RemoteSource::start() {
  running_ = true;
  if (settings_.endpoint.tls_insecure_skip_verify) {
    logger_.warn("TLS certificate verification is OFF for this host (tls_insecure_skip_verify)",
                 {{"host", name()}});
  }
  schedule(settings_.initial_delay);
}

void RemoteSource::stop() {
  running_ = false;
  timer_.cancel();
  client_->cancel_all();
}

void RemoteSource::schedule(std::chrono::milliseconds delay) {
  if (!running_) return;
  timer_.expires_after(delay);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self && self->running_) self->start_round();
  });
}

void RemoteSource::start_round() {
  sessions_.expire_finished(clock_.unix_now(), seconds(settings_.finished_retention),
                            [](const Entry&) {});
  round_ = Round{clock_.monotonic_now(), 0, 0, {}};
  in_round_ = true;
  std::vector<std::string> active;
  for (const auto& [id, e] : sessions_) {
    if (!e.session.finished_at()) active.push_back(id);
  }
  if (active.empty()) {
    finish_round();
    return;
  }
  round_.pending = active.size();
  for (const auto& id : active) poll_session(id);
}

void RemoteSource::poll_session(const std::string& id) {
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

void RemoteSource::fetch_log(const std::string& id) {
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

void RemoteSource::on_state(const std::string& id, whm::Result<std::string> result) {
  if (!result.ok()) {
    on_error(id, result.error());
    session_done();
    return;
  }
  Entry* e = sessions_.find(id);
  if (!e) {  // dropped by a reload while the request was in flight
    session_done();
    return;
  }
  e->session.set_api_state(std::move(result).value());
  fetch_log(id);
}

void RemoteSource::on_log(const std::string& id, whm::Result<whm::LogBody> result) {
  if (!result.ok()) {
    on_error(id, result.error());
    session_done();
    return;
  }
  if (Entry* e = sessions_.find(id)) {
    sources::TrackedSession& s = e->session;
    const double now = clock_.unix_now();
    sources::IngestReport report = s.ingest_whole_log(result.value().log, now);
    if (report.reset) {
      logger_.warn("session log changed under us (shorter or different); read again from byte 0",
                   {{"host", name()}, {"session", id}});
    }
    s.set_last_error("");
    // A final state was seen before this fetch: the log is now read to its end.
    if (s.is_final()) {
      report += s.finish_log();
      s.mark_finished(now);
      logger_.info("session finished; no longer polled",
                   {{"host", name()}, {"session", id}, {"state", std::string(s.state())}});
    }
    recorder_.ingested(name(), report);
  }
  session_done();
}

void RemoteSource::on_error(const std::string& id, const whm::ApiError& error) {
  const std::string reason(whm::to_string(error.reason));
  recorder_.request_failed(name(), reason);
  if (error.reason == whm::ErrorReason::too_large) recorder_.dropped("response_size", 1);
  if (round_.errors++ == 0) round_.first_error = {reason, error.message};
  if (Entry* e = sessions_.find(id)) {
    const std::string text = reason + ": " + error.message;
    if (e->session.last_error() != text) {
      logger_.warn(
          "request failed",
          {{"host", name()}, {"session", id}, {"reason", reason}, {"error", error.message}});
    }
    e->session.set_last_error(text);
  }
}

void RemoteSource::session_done() {
  if (round_.pending > 0 && --round_.pending == 0) finish_round();
}

void RemoteSource::finish_round() {
  if (!in_round_) return;
  in_round_ = false;
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.monotonic_now() -
                                                                          round_.started);
  const double took_seconds = std::chrono::duration<double>(took).count();
  const double now = clock_.unix_now();
  recorder_.poll_finished(name(), took_seconds);
  if (round_.errors == 0) {
    consecutive_failures_ = 0;
    if (status_.succeeded(now, took_seconds)) {
      logger_.info("host is up", {{"host", name()}});
    }
  } else {
    ++consecutive_failures_;
    status_.failed(now, took_seconds, std::move(round_.first_error));
  }
  schedule(sources::next_delay(settings_.interval, took, consecutive_failures_));
}

void RemoteSource::for_each_host(const std::function<void(const sources::HostView&)>& visit) const {
  sources::HostView v = status_.view(name(), "remote");
  v.tls_insecure = settings_.endpoint.tls_insecure_skip_verify;
  v.sessions = sessions_.size();
  visit(v);
}

void RemoteSource::for_each_session(
    const std::function<void(const sources::SessionView&)>& visit) const {
  sessions_.for_each_view(name(), visit);
}

}  // namespace wte::remote
