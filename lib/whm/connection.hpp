#pragma once
// One keep-alive HTTPS connection to a WHM server, carrying one request at a time. Modelled on
// Beast's http_client_async_ssl: a session object kept alive by its own pending operations
// (shared_from_this), each step bounded by the request's deadline through beast::tcp_stream.
// It knows nothing of the API: it moves bytes and reports what happened.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "whm/errors.hpp"
#include "whm/padded_string_body.hpp"
#include "whm/response_reader.hpp"
#include "whm/transport_error.hpp"

namespace wte::whm {

// What every connection to one endpoint shares. Holds the Authorization value: never printed.
struct ConnectionSettings {
  std::string host;
  std::string port;
  std::string where;          // "HOST:PORT", for messages
  std::string host_header;    // "HOST" or "HOST:PORT"
  std::string authorization;  // "whm USER:TOKEN" (secret)
  bool verify = true;
  std::chrono::milliseconds timeout{10000};
  std::size_t body_limit = 256u << 20;
};

struct ExchangeOutcome {
  Result<RawResponse> result = ApiError{ErrorReason::connect, "not run"};
  bool reusable = false;       // the connection may carry another request
  bool stale_reuse = false;    // a reused connection died before any answer: worth one retry
  bool opened = false;         // a TCP connection was established for this exchange
  bool tls_handshake = false;  // a TLS handshake completed for this exchange
  std::uint64_t bytes_received = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Handler = std::function<void(ExchangeOutcome)>;
  using Clock = std::chrono::steady_clock;

  Connection(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
             std::shared_ptr<const ConnectionSettings> settings);

  // Sends GET `target` and reads the answer; `handler` runs exactly once, from the io_context.
  // Opens (resolve, connect, handshake) first when not yet connected.
  void run(std::string target, Clock::time_point deadline, Handler handler);

  // Stops the current exchange (its handler then reports a timeout or a cancellation) and
  // closes the connection for good.
  void abort(bool cancelled);

  bool is_open() const noexcept { return open_; }

  // Open, and nothing has arrived since its last answer. An idle connection holding bytes
  // carries an answer to no request of ours (or the server's goodbye): the next request
  // must not read it as its own, so the caller discards such a connection.
  bool reusable_now();

 private:
  void on_resolve(boost::system::error_code ec, boost::asio::ip::tcp::resolver::results_type r);
  void on_connect(boost::system::error_code ec);
  void on_handshake(boost::system::error_code ec);
  void write_request();
  void on_write(boost::system::error_code ec);
  void on_read(boost::system::error_code ec, std::size_t bytes);
  void fail(Phase phase, boost::system::error_code ec);
  void close() noexcept;
  void complete();
  bool has_unrequested_bytes();

  std::shared_ptr<boost::asio::ssl::context> tls_;  // outlives the stream that uses it
  std::shared_ptr<const ConnectionSettings> settings_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::empty_body> request_;
  std::optional<ResponseParser> parser_;
  Clock::time_point deadline_{};
  Handler handler_;
  ExchangeOutcome outcome_;
  bool open_ = false;
  bool reused_ = false;  // this exchange runs on a connection that already served one
  bool used_ = false;
  bool timed_out_ = false;
  bool cancelled_ = false;
};

}  // namespace wte::whm
