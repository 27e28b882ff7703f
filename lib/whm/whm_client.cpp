#include "whm/whm_client.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <optional>
#include <vector>

#include "whm/api_request.hpp"
#include "whm/connection.hpp"
#include "whm/tls_context.hpp"

namespace wte::whm {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using RawDone = std::function<void(Result<RawResponse>)>;

namespace {

// A request from the call to its callback. Its timer is the one overall deadline: it covers
// the wait for a free connection, resolve, connect, TLS, write and read.
struct PendingRequest {
  PendingRequest(asio::io_context& io, std::string t, RawDone d, Clock::time_point at)
      : target(std::move(t)), done(std::move(d)), deadline(at), timer(io, at) {}
  std::string target;
  RawDone done;
  Clock::time_point deadline;
  Clock::time_point queued{};  // when it last started waiting for a connection
  asio::steady_timer timer;
  std::shared_ptr<Connection> connection;  // while running
  bool finished = false;
  bool retried = false;
};
using RequestPtr = std::shared_ptr<PendingRequest>;

// The server's text can echo what it was sent; the token never leaves in a message. The
// parsers already redact before they cut a text short; this catches every other message.
void redact(ApiError& error, const std::string& token) {
  redact_secret(error.message, token);
}

std::string host_header(const Endpoint& e) {
  const bool v6 = e.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + e.host + "]" : e.host;
  return e.port == "443" ? host : host + ":" + e.port;
}

std::shared_ptr<const ConnectionSettings> make_settings(const Endpoint& e) {
  auto s = std::make_shared<ConnectionSettings>();
  s->host = e.host;
  s->port = e.port;
  s->host_header = host_header(e);
  s->where = s->host_header == e.host ? e.host + ":" + e.port : s->host_header;
  s->authorization = authorization_value(e.user, e.token);
  s->verify = !e.tls_insecure_skip_verify;
  s->timeout = e.timeout;
  s->body_limit = e.max_response_bytes;
  return s;
}

}  // namespace

class WhmClient::Core : public std::enable_shared_from_this<WhmClient::Core> {
 public:
  Core(asio::io_context& io, Endpoint endpoint, TlsContextCache* contexts)
      : io_(io),
        endpoint_(std::move(endpoint)),
        settings_(make_settings(endpoint_)),
        extra_connection_timer_(io) {
    auto tls = contexts ? contexts->get(endpoint_) : make_client_tls_context(endpoint_);
    if (tls.ok()) {
      tls_ = std::move(tls).value();
    } else {
      setup_error_ = std::move(tls).error();
    }
  }

  void submit(std::optional<std::string> target, RawDone done);
  void cancel_all();
  void shutdown();
  const ClientStats& stats() const noexcept { return stats_; }
  const Endpoint& endpoint() const noexcept { return endpoint_; }
  void set_handshake_observer(std::function<void()> f) { handshake_observer_ = std::move(f); }
  void redact_error(ApiError& error) const { redact(error, endpoint_.token); }
  const std::string& secret() const noexcept { return endpoint_.token; }

 private:
  void start(const RequestPtr& request, bool fresh_only);
  void on_exchange_done(const RequestPtr& request, ExchangeOutcome outcome);
  void on_deadline(const RequestPtr& request);
  void dispatch_queue();
  std::size_t limit() const { return std::max<std::size_t>(1, endpoint_.max_connections); }
  bool can_start_now() const;
  void enqueue(const RequestPtr& request);
  void schedule_extra_connection();
  void on_extra_connection_timer();
  void finish(const RequestPtr& request, Result<RawResponse> result);
  void finish_later(const RequestPtr& request, ApiError error);
  ApiError failure(Phase phase, bool cancelled) const;

  asio::io_context& io_;
  Endpoint endpoint_;
  std::shared_ptr<const ConnectionSettings> settings_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::optional<ApiError> setup_error_;
  ClientStats stats_;
  std::function<void()> handshake_observer_;
  std::deque<RequestPtr> queue_;     // waiting for a free connection slot
  std::vector<RequestPtr> running_;  // each on its own connection
  std::vector<std::shared_ptr<Connection>> idle_;
  asio::steady_timer extra_connection_timer_;  // see Endpoint::extra_connection_after
  bool extra_connection_pending_ = false;
  bool closed_ = false;
};

ApiError WhmClient::Core::failure(Phase phase, bool cancelled) const {
  TransportFailure f;
  f.phase = phase;
  f.cancelled = cancelled;
  f.timed_out = !cancelled;
  return describe_failure(f, {settings_->where, settings_->timeout, settings_->body_limit});
}

void WhmClient::Core::submit(std::optional<std::string> target, RawDone done) {
  ++stats_.requests;
  auto request = std::make_shared<PendingRequest>(io_, target.value_or(""), std::move(done),
                                                  Clock::now() + endpoint_.timeout);
  if (!target) {
    return finish_later(request, {ErrorReason::api,
                                  "refused: invalid transfer session id (allowed: "
                                  "[0-9A-Za-z_], 1 to 64 characters)"});
  }
  if (setup_error_) return finish_later(request, *setup_error_);
  request->timer.async_wait([weak = weak_from_this(), request](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!ec && self) self->on_deadline(request);
  });
  if (can_start_now()) {
    start(request, false);
  } else {
    enqueue(request);
  }
}

// On an idle connection, or the first one; another only after extra_connection_after.
bool WhmClient::Core::can_start_now() const {
  return running_.size() < limit() &&
         (running_.empty() || !idle_.empty() ||
          endpoint_.extra_connection_after <= std::chrono::milliseconds(0));
}

void WhmClient::Core::enqueue(const RequestPtr& request) {
  request->queued = Clock::now();
  queue_.push_back(request);
  schedule_extra_connection();
}

// Runs when the oldest waiting request will have waited extra_connection_after; a connection
// freed before then takes it instead (dispatch_queue).
void WhmClient::Core::schedule_extra_connection() {
  if (extra_connection_pending_ || queue_.empty() || running_.size() >= limit()) return;
  extra_connection_pending_ = true;
  extra_connection_timer_.expires_at(queue_.front()->queued + endpoint_.extra_connection_after);
  extra_connection_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self) return;
    self->extra_connection_pending_ = false;
    if (!ec) self->on_extra_connection_timer();
  });
}

void WhmClient::Core::on_extra_connection_timer() {
  if (closed_ || queue_.empty() || running_.size() >= limit()) return;
  if (Clock::now() - queue_.front()->queued >= endpoint_.extra_connection_after) {
    auto next = std::move(queue_.front());
    queue_.pop_front();
    start(next, false);  // no idle connection (dispatch_queue would have used it): a new one
  }
  schedule_extra_connection();
}

void WhmClient::Core::start(const RequestPtr& request, bool fresh_only) {
  std::shared_ptr<Connection> connection;
  while (!fresh_only && !idle_.empty() && !connection) {
    connection = std::move(idle_.back());  // the most recently used is the likeliest alive
    idle_.pop_back();
    if (!connection->reusable_now()) {  // closed, or holding bytes no request asked for
      connection->abort(true);
      connection.reset();
    }
  }
  if (!connection) connection = std::make_shared<Connection>(io_, tls_, settings_);
  request->connection = connection;
  if (std::find(running_.begin(), running_.end(), request) == running_.end()) {
    running_.push_back(request);
  }
  connection->run(request->target, request->deadline,
                  [weak = weak_from_this(), request](ExchangeOutcome outcome) {
                    if (auto self = weak.lock())
                      self->on_exchange_done(request, std::move(outcome));
                  });
}

void WhmClient::Core::on_exchange_done(const RequestPtr& request, ExchangeOutcome outcome) {
  stats_.bytes_received += outcome.bytes_received;
  stats_.connections_opened += outcome.opened ? 1 : 0;
  stats_.tls_handshakes += outcome.tls_handshake ? 1 : 0;
  if (outcome.tls_handshake && handshake_observer_) handshake_observer_();
  auto connection = std::move(request->connection);
  if (closed_) return;
  // A kept-alive connection the server had closed: replace it once, silently.
  if (outcome.stale_reuse && !request->retried && !request->finished) {
    request->retried = true;
    return start(request, true);
  }
  std::erase(running_, request);
  if (outcome.reusable && connection) idle_.push_back(std::move(connection));
  dispatch_queue();
  finish(request, std::move(outcome.result));
}

void WhmClient::Core::on_deadline(const RequestPtr& request) {
  if (request->finished || closed_) return;
  if (request->connection) return request->connection->abort(false);  // reports the timeout
  std::erase(queue_, request);
  finish(request, failure(Phase::queue, false));
}

void WhmClient::Core::dispatch_queue() {
  while (!closed_ && !queue_.empty() && can_start_now()) {
    auto next = std::move(queue_.front());
    queue_.pop_front();
    if (Clock::now() >= next->deadline) {
      finish_later(next, failure(Phase::queue, false));  // its timer is about to say the same
    } else {
      start(next, false);
    }
  }
  schedule_extra_connection();
}

void WhmClient::Core::finish(const RequestPtr& request, Result<RawResponse> result) {
  if (request->finished || closed_) return;
  request->finished = true;
  request->timer.cancel();
  auto done = std::move(request->done);
  request->done = nullptr;
  if (done) done(std::move(result));  // may destroy the client: nothing of ours after this
}

// Callbacks never run inside the call that caused them.
void WhmClient::Core::finish_later(const RequestPtr& request, ApiError error) {
  asio::post(io_, [weak = weak_from_this(), request, error = std::move(error)]() mutable {
    if (auto self = weak.lock()) self->finish(request, std::move(error));
  });
}

void WhmClient::Core::cancel_all() {
  extra_connection_timer_.cancel();
  for (auto& request : queue_) finish_later(request, failure(Phase::queue, true));
  queue_.clear();
  for (auto& request : running_) {
    if (request->connection) request->connection->abort(true);
  }
  for (auto& connection : idle_) connection->abort(true);
  idle_.clear();
}

void WhmClient::Core::shutdown() {
  closed_ = true;
  extra_connection_timer_.cancel();
  for (auto& request : queue_) request->timer.cancel();
  for (auto& request : running_) {
    request->timer.cancel();
    if (request->connection) request->connection->abort(true);
  }
  for (auto& connection : idle_) connection->abort(true);
  queue_.clear();
  running_.clear();
  idle_.clear();
}

WhmClient::WhmClient(asio::io_context& io, Endpoint endpoint)
    : core_(std::make_shared<Core>(io, std::move(endpoint), nullptr)) {}

WhmClient::WhmClient(asio::io_context& io, Endpoint endpoint, TlsContextCache& contexts)
    : core_(std::make_shared<Core>(io, std::move(endpoint), &contexts)) {}

WhmClient::~WhmClient() {
  core_->shutdown();
}

void WhmClient::get_session_state(std::string session_id,
                                  std::function<void(Result<std::string>)> done) {
  core_->submit(state_request_target(session_id), [weak = std::weak_ptr<Core>(core_),
                                                   done = std::move(done)](Result<RawResponse> r) {
    auto core = weak.lock();
    if (!core) return;
    Result<std::string> out = r.ok() ? parse_state_response(r.value().body, r.value().status,
                                                            r.value().content_type, core->secret())
                                     : Result<std::string>(std::move(r).error());
    if (!out.ok()) {
      ApiError error = std::move(out).error();
      core->redact_error(error);
      return done(std::move(error));
    }
    done(std::move(out));
  });
}

void WhmClient::fetch_session_log(std::string session_id, std::function<void(Result<LogBody>)> done,
                                  std::string_view logfile) {
  core_->submit(log_request_target(session_id, logfile),
                [weak = std::weak_ptr<Core>(core_), done = std::move(done)](Result<RawResponse> r) {
                  auto core = weak.lock();
                  if (!core) return;
                  Result<LogBody> out =
                      r.ok() ? parse_log_response(std::move(r.value().body), r.value().status,
                                                  r.value().content_type, core->secret())
                             : Result<LogBody>(std::move(r).error());
                  if (!out.ok()) {
                    ApiError error = std::move(out).error();
                    core->redact_error(error);
                    return done(std::move(error));
                  }
                  done(std::move(out));
                });
}

void WhmClient::cancel_all() {
  core_->cancel_all();
}

void WhmClient::on_tls_handshake(std::function<void()> observer) {
  core_->set_handshake_observer(std::move(observer));
}

const ClientStats& WhmClient::stats() const noexcept {
  return core_->stats();
}

const Endpoint& WhmClient::endpoint() const noexcept {
  return core_->endpoint();
}

}  // namespace wte::whm
