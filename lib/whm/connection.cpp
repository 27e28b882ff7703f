#include "whm/connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "whm/tls_context.hpp"

namespace wte::whm {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

Connection::Connection(asio::io_context& io, std::shared_ptr<asio::ssl::context> tls,
                       std::shared_ptr<const ConnectionSettings> settings)
    : tls_(std::move(tls)),
      settings_(std::move(settings)),
      resolver_(io),
      stream_(io.get_executor(), *tls_) {
  configure_tls_stream(stream_, settings_->host, settings_->verify);
}

void Connection::run(std::string target, Clock::time_point deadline, Handler handler) {
  deadline_ = deadline;
  handler_ = std::move(handler);
  outcome_ = ExchangeOutcome{};
  reused_ = used_;
  used_ = true;
  request_ = {http::verb::get, target, 11};
  request_.set(http::field::host, settings_->host_header);
  request_.set(http::field::user_agent, "whm_transfer_exporter");
  request_.set(http::field::authorization, settings_->authorization);
  request_.set(http::field::accept, "application/json");
  request_.keep_alive(true);
  if (open_) return write_request();
  resolver_.async_resolve(settings_->host, settings_->port,
                          [self = shared_from_this()](error_code ec, auto results) {
                            self->on_resolve(ec, std::move(results));
                          });
}

void Connection::on_resolve(error_code ec, asio::ip::tcp::resolver::results_type results) {
  if (ec) return fail(Phase::resolve, ec);
  if (timed_out_ || cancelled_) return fail(Phase::resolve, asio::error::operation_aborted);
  auto& tcp = beast::get_lowest_layer(stream_);
  tcp.expires_at(deadline_);
  tcp.async_connect(
      results, [self = shared_from_this()](error_code e, const auto&) { self->on_connect(e); });
}

void Connection::on_connect(error_code ec) {
  if (ec) return fail(Phase::connect, ec);
  outcome_.opened = true;
  beast::get_lowest_layer(stream_).expires_at(deadline_);  // covers every TLS record
  stream_.async_handshake(asio::ssl::stream_base::client,
                          [self = shared_from_this()](error_code e) { self->on_handshake(e); });
}

void Connection::on_handshake(error_code ec) {
  if (ec) return fail(Phase::handshake, ec);
  outcome_.tls_handshake = true;
  open_ = true;
  write_request();
}

void Connection::write_request() {
  beast::get_lowest_layer(stream_).expires_at(deadline_);
  http::async_write(stream_, request_, [self = shared_from_this()](error_code ec, std::size_t) {
    self->on_write(ec);
  });
}

void Connection::on_write(error_code ec) {
  if (ec) return fail(Phase::write, ec);
  parser_.emplace();
  configure_response_parser(*parser_, settings_->body_limit);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](error_code e, std::size_t n) { self->on_read(e, n); });
}

void Connection::on_read(error_code ec, std::size_t bytes) {
  outcome_.bytes_received += bytes;
  if (ec) return fail(Phase::read, ec);
  beast::get_lowest_layer(stream_).expires_never();  // idle in the pool until the next request
  const bool keep_alive = parser_->keep_alive();     // false for a body ended by the close
  RawResponse response = take_response(*parser_);
  // HTTP/1.1 answers carry no request id: the only tie between a request and its answer is
  // their order. Bytes already here past the end of this answer belong to no request we
  // sent (a server that answered twice); reading them as the next request's answer would
  // shift every later answer onto the wrong request, so such a connection is never reused.
  outcome_.reusable = keep_alive && !timed_out_ && !cancelled_ && !has_unrequested_bytes();
  outcome_.result = std::move(response);
  parser_.reset();
  if (!outcome_.reusable) close();
  complete();
}

void Connection::fail(Phase phase, error_code ec) {
  TransportFailure failure;
  failure.phase = phase;
  failure.ec = ec;
  failure.timed_out = timed_out_;
  failure.cancelled = cancelled_;
  failure.got_response_bytes =
      phase == Phase::read && ((parser_ && parser_->got_some()) || buffer_.size() > 0);
  if (phase == Phase::handshake)
    failure.tls_verify_error = peer_verify_error(stream_.native_handle());
  // A kept-alive connection the server closed while idle fails before any answer arrives.
  outcome_.stale_reuse = reused_ && !timed_out_ && !cancelled_ && ec != beast::error::timeout &&
                         (phase == Phase::write || phase == Phase::read) &&
                         !failure.got_response_bytes;
  outcome_.result =
      describe_failure(failure, {settings_->where, settings_->timeout, settings_->body_limit});
  close();
  complete();
}

bool Connection::has_unrequested_bytes() {
  if (buffer_.size() > 0) return true;
  if (SSL_pending(stream_.native_handle()) > 0) return true;
  error_code ec;
  const std::size_t waiting = beast::get_lowest_layer(stream_).socket().available(ec);
  return ec || waiting > 0;
}

bool Connection::reusable_now() {
  return open_ && !has_unrequested_bytes();
}

void Connection::abort(bool cancelled) {
  if (cancelled) {
    cancelled_ = true;
  } else {
    timed_out_ = true;
  }
  close();
}

void Connection::close() noexcept {
  open_ = false;
  resolver_.cancel();
  error_code ignored;
  beast::get_lowest_layer(stream_).socket().close(ignored);
}

void Connection::complete() {
  if (!handler_) return;
  auto handler = std::move(handler_);
  handler_ = nullptr;
  handler(std::move(outcome_));
}

}  // namespace wte::whm
