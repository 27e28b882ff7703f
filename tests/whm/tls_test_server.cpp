#include "tls_test_server.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sstream>

namespace wte::whm::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

class Session;

struct TlsTestServer::State {
  State(asio::io_context& context, Handler h)
      : io(context), tls(asio::ssl::context::tls_server), acceptor(io), handler(std::move(h)) {}
  asio::io_context& io;
  asio::ssl::context tls;
  tcp::acceptor acceptor;
  Handler handler;
  std::vector<SeenRequest> seen;
  std::vector<std::weak_ptr<Session>> sessions;
  std::size_t accepted = 0;
  std::size_t closed = 0;
  std::size_t open = 0;
  std::size_t max_open = 0;
  bool stopped = false;
  std::string port;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<TlsTestServer::State> state, std::size_t index)
      : state_(std::move(state)),
        stream_(std::move(socket), state_->tls),
        timer_(state_->io),
        index_(index) {
    state_->max_open = std::max(state_->max_open, ++state_->open);
  }
  ~Session() {
    --state_->open;
    ++state_->closed;
  }

  void start() {
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this()](error_code ec) {
                              if (!ec) self->read();
                            });
  }

  void close() {
    error_code ignored;
    timer_.cancel();
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

 private:
  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (!ec) self->on_request();
                     });
  }

  void on_request() {
    SeenRequest seen;
    seen.target = std::string(request_.target());
    seen.authorization = std::string(request_[http::field::authorization]);
    seen.host = std::string(request_[http::field::host]);
    seen.user_agent = std::string(request_[http::field::user_agent]);
    seen.connection = index_;
    state_->seen.push_back(seen);
    reply_ = state_->handler(seen);
    if (reply_.action == Action::never_answer) return read();  // pends until the client leaves
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->answer();
    });
  }

  void answer() {
    if (reply_.action == Action::cut_mid_body) {
      raw_ = "HTTP/1.1 200 OK\r\nContent-Type: " + reply_.content_type +
             "\r\nContent-Length: " + std::to_string(reply_.body.size() * 2) + "\r\n\r\n" +
             reply_.body;
      asio::async_write(stream_, asio::buffer(raw_),
                        [self = shared_from_this()](error_code, std::size_t) { self->close(); });
      return;
    }
    response_ = {static_cast<http::status>(reply_.status), 11};
    response_.set(http::field::content_type, reply_.content_type);
    response_.body() = reply_.body;
    response_.keep_alive(true);
    if (reply_.chunked) {
      response_.chunked(true);
    } else {
      response_.prepare_payload();
    }
    if (reply_.extra_body && reply_.extra_after.count() == 0) {
      // Both answers in one write: they arrive together, the second right behind the first.
      std::ostringstream wire;
      wire << response_;
      raw_ = wire.str() + extra_response();
      asio::async_write(stream_, asio::buffer(raw_),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                          if (ec) return self->close();
                          self->read();
                        });
      return;
    }
    http::async_write(stream_, response_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec || self->reply_.action == Action::respond_close) return self->close();
      if (self->reply_.extra_body) return self->send_extra();
      self->read();
    });
  }

  std::string extra_response() const {
    const std::string& body = *reply_.extra_body;
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  void send_extra() {
    timer_.expires_after(reply_.extra_after);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) return;
      self->raw_ = self->extra_response();
      asio::async_write(self->stream_, asio::buffer(self->raw_), [self](error_code e, std::size_t) {
        if (e) return self->close();
        self->read();
      });
    });
  }

  std::shared_ptr<TlsTestServer::State> state_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  asio::steady_timer timer_;
  std::size_t index_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  Reply reply_;
  std::string raw_;
};

namespace {

void accept_next(const std::shared_ptr<TlsTestServer::State>& state) {
  state->acceptor.async_accept([state](error_code ec, tcp::socket socket) {
    if (ec || state->stopped) return;
    auto session = std::make_shared<Session>(std::move(socket), state, ++state->accepted);
    state->sessions.push_back(session);
    session->start();
    accept_next(state);
  });
}

}  // namespace

TlsTestServer::TlsTestServer(asio::io_context& io, const std::string& cert_file,
                             const std::string& key_file, Handler handler)
    : state_(std::make_shared<State>(io, std::move(handler))) {
  state_->tls.use_certificate_chain_file(cert_file);
  state_->tls.use_private_key_file(key_file, asio::ssl::context::pem);
  const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(local.protocol());
  state_->acceptor.bind(local);
  state_->acceptor.listen();
  state_->port = std::to_string(state_->acceptor.local_endpoint().port());
  accept_next(state_);
}

TlsTestServer::~TlsTestServer() {
  stop();
}

void TlsTestServer::stop() {
  state_->stopped = true;
  error_code ignored;
  state_->acceptor.close(ignored);
  for (auto& weak : state_->sessions) {
    if (auto session = weak.lock()) session->close();
  }
  state_->sessions.clear();
}

std::string TlsTestServer::port() const {
  return state_->port;
}

const std::vector<SeenRequest>& TlsTestServer::requests() const {
  return state_->seen;
}
std::size_t TlsTestServer::connections_accepted() const {
  return state_->accepted;
}
std::size_t TlsTestServer::connections_closed() const {
  return state_->closed;
}
std::size_t TlsTestServer::max_concurrent_connections() const {
  return state_->max_open;
}

}  // namespace wte::whm::test
