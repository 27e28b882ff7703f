#pragma once
// Internal: one connection, plain or TLS. A chain of asynchronous steps, each under a
// deadline: [TLS handshake] -> header -> body -> handler -> write -> idle -> header ...
// The session lives as long as an operation or a pending Respond holds it.
#include <sys/ioctl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>

#include "web/beast_convert.hpp"
#include "web/server_state.hpp"

namespace wte::web::detail {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

template <class Stream>
class HttpSession : public SessionBase, public std::enable_shared_from_this<HttpSession<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  static constexpr std::uint32_t kHeaderLimit = 16 * 1024;
  static constexpr std::size_t kReadChunk = 4096;
  static constexpr std::size_t kLingerBytes = 256 * 1024;
  static constexpr std::chrono::milliseconds kLingerTime{1000};
  static constexpr std::chrono::milliseconds kDrainPoll{50};
  using Clock = ConnectionTable::Clock;

 public:
  template <class... StreamArgs>
  HttpSession(std::shared_ptr<ServerState> state, ConnectionTable::Id id, std::string remote,
              StreamArgs&&... stream_args)
      : state_(std::move(state)),
        id_(id),
        remote_(std::move(remote)),
        stream_(std::forward<StreamArgs>(stream_args)...),
        drain_timer_(stream_.get_executor()) {}

  ~HttpSession() override { state_->remove(id_); }

  void run() {
    deadline_ = Clock::now() + state_->options.header_timeout;  // handshake + first header
    if constexpr (kTls) {
      lowest().expires_at(deadline_);
      stream_.async_handshake(net::ssl::stream_base::server, bind(&HttpSession::on_handshake));
    } else {
      read_header();
    }
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    drain_timer_.cancel();
    state_->remove(id_);
    beast::error_code ec;
    lowest().socket().shutdown(net::socket_base::shutdown_both, ec);
    lowest().close();  // cancels whatever is pending; those handlers see closed_
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  template <class F>
  auto bind(F member) {
    return beast::bind_front_handler(member, this->shared_from_this());
  }

  void on_handshake(beast::error_code ec) {
    if (closed_) return;
    if (ec) {
      // Plain HTTP, a TLS 1.1 client, a wrong certificate or a timeout: nothing to answer.
      ++state_->stats.tls_handshake_failures;
      return close();
    }
    read_header();
  }

  void read_header() {
    parser_.emplace();
    parser_->body_limit(state_->options.max_request_bytes);
    parser_->header_limit(kHeaderLimit);
    lowest().expires_at(deadline_);
    http::async_read_header(stream_, buffer_, *parser_, bind(&HttpSession::on_header));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (closed_) return;
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return dispatch();
    lowest().expires_after(state_->options.header_timeout);  // the body gets as long again
    http::async_read(stream_, buffer_, *parser_, bind(&HttpSession::on_body));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (closed_) return;
    if (ec) return on_read_error(ec);
    dispatch();
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) return send_error(413, "413 request body too large\n");
    if (ec == http::error::header_limit) return send_error(431, "431 request header too large\n");
    const bool parse_error =
        ec.category() == http::make_error_code(http::error::bad_target).category();
    if (parse_error && ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return send_error(400, "400 bad request\n");
    }
    close();  // the peer left, timed out or reset: no one to answer
  }

  void send_error(unsigned status, std::string message) {
    ++state_->stats.bad_requests;
    state_->table.set_busy(id_);
    version_ = 11;
    keep_alive_ = false;
    head_ = false;
    ++sequence_;  // a Respond still held for an earlier request must not answer this one
    Response response = Response::text(status, std::move(message));
    response.close = true;
    write(std::move(response));
  }

  void dispatch() {
    state_->table.set_busy(id_);
    ++state_->stats.requests;
    lowest().expires_never();  // the handler may take its time
    BeastRequest message = parser_->release();
    parser_.reset();
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    head_ = message.method() == http::verb::head;
    Request request = to_request(std::move(message), remote_);
    const std::uint64_t sequence = ++sequence_;
    responded_ = false;

    const ServerOptions& options = state_->options;
    if (!is_unauthenticated_path(request.path, options.unauthenticated_paths)) {
      auto begun =
          begin_basic_auth(request, options.basic_auth_users, state_->auth_cache, Clock::now());
      if (auto* pending = std::get_if<PendingBcrypt>(&begun)) {
        return check_password(sequence, std::move(request), std::move(*pending));
      }
      if (!std::get<AuthDecision>(begun).ok()) return deliver(sequence, unauthorized_response());
    }
    handle(sequence, std::move(request));
  }

  // The bcrypt runs on the server's workers; this connection waits (it reads nothing more
  // meanwhile), the loop serves everyone else.
  void check_password(std::uint64_t sequence, Request request, PendingBcrypt pending) {
    auto pool = state_->bcrypt.lock();
    if (!pool) return close();  // the server is stopping
    ++state_->stats.bcrypt_checks;
    std::string password = pending.password;
    std::string hash = pending.hash;
    pool->check(std::move(password), std::move(hash), stream_.get_executor(),
                [self = this->shared_from_this(), sequence, request = std::move(request),
                 pending = std::move(pending)](bool matched) mutable {
                  self->on_password_checked(sequence, std::move(request), pending, matched);
                });
  }

  void on_password_checked(std::uint64_t sequence, Request request, const PendingBcrypt& pending,
                           bool matched) {
    if (closed_ || sequence != sequence_) return;
    if (!finish_basic_auth(pending, matched, state_->auth_cache, Clock::now()).ok()) {
      return deliver(sequence, unauthorized_response());
    }
    handle(sequence, std::move(request));
  }

  void handle(std::uint64_t sequence, Request request) {
    try {
      state_->handler(std::move(request), make_respond(sequence));
    } catch (const std::exception&) {
      deliver(sequence, Response::text(500, "500 internal server error\n"));
    }
  }

  // Posts, so a handler that responds at once does not re-enter the session.
  Respond make_respond(std::uint64_t sequence) {
    auto self = this->shared_from_this();
    return [self, sequence](Response response) {
      auto executor = self->stream_.get_executor();
      net::post(executor, [self, sequence, r = std::move(response)]() mutable {
        self->deliver(sequence, std::move(r));
      });
    };
  }

  void deliver(std::uint64_t sequence, Response response) {
    if (closed_ || sequence != sequence_ || responded_) return;  // gone, stale or twice
    responded_ = true;
    write(std::move(response));
  }

  void write(Response response) {
    const bool keep_alive = keep_alive_ && !state_->stopping;
    response_.emplace(to_beast_response(std::move(response), version_, keep_alive, head_));
    keep_alive_ = response_->keep_alive();
    write_started_ = Clock::now();
    state_->table.set_writing(id_, write_started_);
    lowest().expires_at(write_started_ + state_->options.write_timeout);
    http::async_write(stream_, *response_, bind(&HttpSession::on_write));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (closed_) return;
    response_.reset();
    if (ec) {
      if (ec == beast::error::timeout) ++state_->stats.write_stalls;
      return close();
    }
    if (!keep_alive_) return graceful_close();
    if (unread_bytes() > state_->options.max_unread_bytes) return wait_for_drain();
    wait_for_request();
  }

  // Bytes we sent that the peer has not acknowledged: it reads them slowly or not at all.
  std::size_t unread_bytes() {
    int queued = 0;
    if (::ioctl(lowest().socket().native_handle(), TIOCOUTQ, &queued) != 0 || queued < 0) return 0;
    return static_cast<std::size_t>(queued);
  }

  // The peer is not reading: its next request waits until our answers drain, and the write
  // deadline still runs (the connection stays evictable as writing since write_started_).
  void wait_for_drain() {
    if (Clock::now() >= write_started_ + state_->options.write_timeout) {
      ++state_->stats.write_stalls;
      return close();
    }
    drain_timer_.expires_after(kDrainPoll);
    drain_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      if (self->unread_bytes() > self->state_->options.max_unread_bytes) {
        return self->wait_for_drain();
      }
      self->wait_for_request();
    });
  }

  void wait_for_request() {
    const auto now = Clock::now();
    state_->table.set_waiting(id_, now);
    deadline_ = now + state_->options.header_timeout;
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    // Idle: wait up to idle_timeout for the first byte, then header_timeout for the header.
    lowest().expires_after(state_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk), bind(&HttpSession::on_first_bytes));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (closed_) return;
    buffer_.commit(n);
    if (ec) return close();
    deadline_ = Clock::now() + state_->options.header_timeout;
    read_header();
  }

  // Answered and closing: first evictable, then let the peer read our answer before the
  // socket goes (closing with unread input would send a RST that can destroy the response).
  void graceful_close() {
    state_->table.set_waiting(id_, Clock::time_point::min());
    lowest().expires_after(
        std::min<std::chrono::milliseconds>(kLingerTime, state_->options.write_timeout));
    if constexpr (kTls) {
      stream_.async_shutdown(bind(&HttpSession::on_shutdown));
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(net::socket_base::shutdown_send, ec);
      linger();
    }
  }

  void on_shutdown(beast::error_code) { close(); }

  void linger() { lowest().async_read_some(net::buffer(discard_), bind(&HttpSession::on_linger)); }

  void on_linger(beast::error_code ec, std::size_t n) {
    if (closed_) return;
    lingered_ += n;
    if (ec || lingered_ > kLingerBytes) return close();
    linger();
  }

  std::shared_ptr<ServerState> state_;
  ConnectionTable::Id id_;
  std::string remote_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<BeastResponse> response_;
  net::steady_timer drain_timer_;
  Clock::time_point deadline_{};
  Clock::time_point write_started_{};
  std::uint64_t sequence_ = 0;  // of the current request, to match a Respond to it
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool responded_ = false;
  bool closed_ = false;
  std::size_t lingered_ = 0;
  std::array<char, 4096> discard_{};
};

}  // namespace wte::web::detail
