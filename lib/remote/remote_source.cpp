#include "remote/remote_source.hpp"

#include <optional>
#include <set>
#include <tuple>

#include "log/session_state.hpp"
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

// A well-formed session id that no server holds (ids end in 4 random characters after a
// 14-digit time stamp; this one has neither).
constexpr std::string_view kProbeSessionId = "whmtransferexporteraccesscheck";

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
      client_(make_client(settings_.endpoint)),
      wait_client_(make_client(wait_endpoint())),
      timer_(context.io) {
  recorder_.host_added(name());
  watch_sessions();
}

RemoteSource::~RemoteSource() {
  timer_.cancel();
  if (client_) client_->cancel_all();
  if (wait_client_) wait_client_->cancel_all();
}

// The endpoint of the requests that wait for a session's end: the long deadline, and a
// connection of its own for each at once.
whm::Endpoint RemoteSource::wait_endpoint() const {
  whm::Endpoint e = settings_.endpoint;
  e.timeout = settings_.log_wait_timeout;
  e.max_connections = settings_.max_sessions;
  e.extra_connection_after = std::chrono::milliseconds(0);
  return e;
}

std::unique_ptr<whm::WhmClient> RemoteSource::make_client(const whm::Endpoint& endpoint) {
  auto client = std::make_unique<whm::WhmClient>(io_, endpoint, tls_contexts_);
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
  const bool wait_changed = endpoint_changed ||
                            settings.log_wait_timeout != settings_.log_wait_timeout ||
                            settings.max_sessions != settings_.max_sessions;
  settings_ = std::move(settings);
  if (endpoint_changed) {
    // In-flight requests of the old pool complete with a cancel error, counted once.
    client_->cancel_all();
    client_ = make_client(settings_.endpoint);
    log_access_ = HostLogAccess();
  }
  if (wait_changed) {
    // A held request abandoned here keeps its worker busy on the server until the session
    // ends; only a change of the endpoint or of the wait itself does that.
    ++wait_generation_;
    for (auto& [id, e] : sessions_) e.wait_sent.reset();
    wait_client_->cancel_all();
    wait_client_ = make_client(wait_endpoint());
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
  wait_client_->cancel_all();
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
    if (e.session.finished_at()) continue;
    active.push_back(id);
    if (e.wait_sent) {
      log_access_.wait_pending(
          std::chrono::duration_cast<std::chrono::milliseconds>(round_.started - *e.wait_sent),
          settings_.endpoint.timeout);
    }
  }
  if (active.empty()) return idle_round();
  round_.pending = active.size();
  for (const auto& id : active) poll_session(id);
}

// No session to poll (all finished, or none yet): the host is still checked now and then
// with one cheap state call, so that a revoked token or a dead server shows even when
// nothing runs there. Any answer of the API itself, even "no such session", proves that
// the server is there and takes the token; only transport, TLS, HTTP and auth failures make
// the host down. Between checks the host keeps its last status.
void RemoteSource::idle_round() {
  const bool due =
      !last_idle_check_ || round_.started - *last_idle_check_ >= settings_.idle_check_interval;
  if (!due) {
    in_round_ = false;
    schedule(settings_.interval);
    return;
  }
  last_idle_check_ = round_.started;
  // A session of this host if there is one, else an id no server has: either way cheap.
  std::string id = sessions_.size() > 0 ? sessions_.begin()->first : std::string(kProbeSessionId);
  round_.pending = 1;
  limiter_.acquire([weak = weak_from_this(), id](RequestLimiter::Permit permit) {
    auto self = weak.lock();
    if (!self) return;
    auto held = std::make_shared<RequestLimiter::Permit>(std::move(permit));
    self->client_->get_session_state(id, [weak, held](whm::Result<std::string> r) {
      *held = RequestLimiter::Permit();
      auto s = weak.lock();
      if (!s) return;
      if (!r.ok() && r.error().reason != whm::ErrorReason::api) s->on_error("", r.error());
      s->session_done();
    });
  });
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

// A request for `logfile` with the normal deadline, as part of the round.
void RemoteSource::fetch_log(const std::string& id, std::string_view logfile) {
  const bool active = logfile != "master.log";
  limiter_.acquire([weak = weak_from_this(), id, active](RequestLimiter::Permit permit) {
    auto self = weak.lock();
    if (!self) return;
    auto held = std::make_shared<RequestLimiter::Permit>(std::move(permit));
    self->client_->fetch_session_log(
        id,
        [weak, id, held, active](whm::Result<whm::LogBody> r) {
          *held = RequestLimiter::Permit();
          auto s = weak.lock();
          if (!s) return;
          if (active)
            s->on_active_log(id, std::move(r));
          else
            s->on_final_log(id, std::move(r));
        },
        active ? ".master.log" : "master.log");
  });
}

// master.log for a running session: the server may hold it until the session ends. Sent
// outside the round, the request limiter and the normal pool, with its own long deadline,
// and never while an earlier one may still be held (next_log_request).
void RemoteSource::start_wait(Entry& e) {
  e.wait_sent = clock_.monotonic_now();
  wait_client_->fetch_session_log(e.session.id(),
                                  [weak = weak_from_this(), id = e.session.id(),
                                   generation = wait_generation_](whm::Result<whm::LogBody> r) {
                                    auto s = weak.lock();
                                    if (s && generation == s->wait_generation_)
                                      s->on_wait_answer(id, std::move(r));
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
  switch (next_log_request(e->session.is_final(), log_access_.access(), e->wait_sent.has_value())) {
    case LogRequest::none:
      break;
    case LogRequest::active_log:
      return fetch_log(id, ".master.log");
    case LogRequest::final_log:
      return fetch_log(id, "master.log");
    case LogRequest::wait_for_end:
      start_wait(*e);
      break;
  }
  session_done();
}

void RemoteSource::on_active_log(const std::string& id, whm::Result<whm::LogBody> result) {
  Entry* e = sessions_.find(id);
  if (result.ok()) {
    log_access_.active_log_answered();
    if (e) ingest(*e, result.value().log);
  } else if (result.error().reason == whm::ErrorReason::api) {
    // Not found, or a name this server refuses: the session has just ended, or the running
    // log cannot be read here. Either way master.log tells, and it is not an error.
    if (e && !e->wait_sent) start_wait(*e);
  } else {
    on_error(id, result.error());
  }
  session_done();
}

void RemoteSource::on_final_log(const std::string& id, whm::Result<whm::LogBody> result) {
  if (!result.ok()) {
    on_error(id, result.error());
  } else if (Entry* e = sessions_.find(id)) {
    ingest(*e, result.value().log);
    if (e->session.is_final()) finish(*e);
  }
  session_done();
}

void RemoteSource::on_wait_answer(const std::string& id, whm::Result<whm::LogBody> result) {
  Entry* e = sessions_.find(id);
  if (!e || !e->wait_sent) return;  // dropped by a reload meanwhile
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.monotonic_now() - *e->wait_sent);
  e->wait_sent.reset();
  if (!result.ok()) {
    if (!running_) return;  // cancelled by stop()
    // Outside the round: counted and shown, but the host's up-ness is its state calls'.
    const whm::ApiError& error = result.error();
    recorder_.request_failed(name(), whm::to_string(error.reason));
    e->session.set_last_error(std::string(whm::to_string(error.reason)) + ": " + error.message);
    logger_.warn("waiting for the end of a session's log failed; asked again at the next poll",
                 {{"host", name()},
                  {"session", id},
                  {"reason", std::string(whm::to_string(error.reason))},
                  {"error", error.message}});
    return;
  }
  const auto& log = result.value().log;
  ingest(*e, log);
  log_access_.wait_answered(took, settings_.endpoint.timeout,
                            log::is_final_state(e->session.log().info().state));
  if (e->session.is_final()) finish(*e);
}

void RemoteSource::ingest(Entry& e, std::string_view log) {
  sources::IngestReport report = e.session.ingest_whole_log(log, clock_.unix_now());
  if (report.reset) {
    logger_.warn("session log changed under us (shorter or different); read again from byte 0",
                 {{"host", name()}, {"session", e.session.id()}});
  }
  e.session.set_last_error("");
  recorder_.ingested(name(), report);
}

// Final, and its log read to the end: the last line is parsed even without its newline,
// and the session is no longer polled.
void RemoteSource::finish(Entry& e) {
  recorder_.ingested(name(), e.session.finish_log());
  e.session.mark_finished(clock_.unix_now());
  logger_.info("session finished; no longer polled",
               {{"host", name()},
                {"session", e.session.id()},
                {"state", std::string(e.session.state().value_or("unknown"))}});
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
  v.log_access = to_string(log_access_.access());
  v.log_access_description = describe(log_access_.access());
  visit(v);
}

void RemoteSource::for_each_session(
    const std::function<void(const sources::SessionView&)>& visit) const {
  sessions_.for_each_view(name(), visit, [](const Entry& e, sources::SessionView& v) {
    v.waiting_for_end = e.wait_sent.has_value();
  });
}

}  // namespace wte::remote
