#pragma once
// Test helpers: a server running on its own thread, and a small Beast client whose every
// operation has a deadline, so a broken server fails a test instead of hanging it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

#include "web/http_server.hpp"

namespace wte::web::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Options for tests: loopback, port 0, short deadlines.
inline ServerOptions test_options() {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.header_timeout = 2000ms;
  options.idle_timeout = 2000ms;
  options.write_timeout = 2000ms;
  return options;
}

// Runs an HttpServer on a thread of its own; stops and joins on destruction.
class ServerThread {
 public:
  ServerThread(ServerOptions options, AsyncHandler handler)
      : server_(std::make_unique<HttpServer>(io_, std::move(options), std::move(handler))) {
    if (const auto started = server_->start(); !started.ok()) {
      throw std::runtime_error(started.error().message);
    }
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerThread() {
    on_io([this] {
      server_->stop();
      return 0;
    });
    thread_.join();
  }

  unsigned short port() const { return port_; }
  net::io_context& io() { return io_; }
  ServerStats stats() {
    return on_io([this] { return server_->stats(); });
  }

  // Runs f on the server's thread and returns its result.
  template <class F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    net::post(io_, [&task] { task(); });
    // A hung server; generous, as a stop may wait for a password check in progress on a
    // busy machine under sanitizers.
    if (result.wait_for(60s) != std::future_status::ready) std::abort();
    return result.get();
  }

 private:
  net::io_context io_;
  std::unique_ptr<HttpServer> server_;
  unsigned short port_ = 0;
  std::thread thread_;
};

using TestResponse = http::response<http::string_body>;

// A client on its own io_context, driven by run_for: every call returns within its timeout.
template <class Stream>
class BasicClient {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <class... Args>
  explicit BasicClient(Args&... args) : stream_(io_, args...) {}

  bool connect(unsigned short port, std::chrono::milliseconds timeout = 2000ms) {
    const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    auto ec = run(timeout, [&](auto done) { lowest().async_connect(endpoint, done); });
    if (ec) return false;
    if constexpr (kTls) {
      ec = run(timeout,
               [&](auto done) { stream_.async_handshake(net::ssl::stream_base::client, done); });
    }
    return !ec;
  }

  bool send(const std::string& raw, std::chrono::milliseconds timeout = 2000ms) {
    return !run(timeout, [&](auto done) { net::async_write(stream_, net::buffer(raw), done); });
  }

  // Generous: a read that succeeds returns at once; sanitizers and a busy machine are slow.
  std::optional<TestResponse> read(bool head = false, std::chrono::milliseconds timeout = 15000ms) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    parser.skip(head);
    auto ec = run(timeout, [&](auto done) { http::async_read(stream_, buffer_, parser, done); });
    if (ec) return std::nullopt;
    return parser.release();
  }

  std::optional<TestResponse> request(const std::string& method, const std::string& target,
                                      const std::string& extra_headers = "",
                                      const std::string& body = "") {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers;
    if (!body.empty() || method == "POST")
      raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    raw += "\r\n" + body;
    if (!send(raw)) return std::nullopt;
    return read(method == "HEAD");
  }

  // True if the server closes the connection (EOF or reset) within the timeout, reading
  // and ignoring whatever it sends first.
  bool closed_by_peer(std::chrono::milliseconds timeout = 2000ms) {
    const auto deadline = Clock::now() + timeout;
    char scratch[4096];
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms) return false;
      auto ec = run(left, [&](auto done) { stream_.async_read_some(net::buffer(scratch), done); });
      if (ec == beast::error::timeout) return false;
      if (ec) return true;
    }
  }

  Stream& stream() { return stream_; }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // Starts one operation and runs it for at most `timeout`; beast::error::timeout if late.
  template <class Start>
  beast::error_code run(std::chrono::milliseconds timeout, Start start) {
    std::optional<beast::error_code> result;
    io_.restart();
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io_.run_for(timeout);
    if (!result) {
      lowest().close();  // cancels it; the client is unusable afterwards
      io_.restart();
      io_.run();
      return beast::error::timeout;
    }
    return *result;
  }

  net::io_context io_;
  Stream stream_;
  beast::flat_buffer buffer_;
};

using Client = BasicClient<beast::tcp_stream>;
using TlsClient = BasicClient<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace wte::web::test
