#include "web/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>

#include "web/http_session.hpp"
#include "web/listen_address.hpp"
#include "web/server_state.hpp"

namespace wte::web {
namespace detail {
namespace {

using tcp = net::ip::tcp;

std::string format_endpoint(const tcp::endpoint& endpoint) {
  net::ip::address address = endpoint.address();
  // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; show them as IPv4.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  const std::string port = std::to_string(endpoint.port());
  if (address.is_v6()) return "[" + address.to_string() + "]:" + port;
  return address.to_string() + ":" + port;
}

}  // namespace

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, ServerOptions options, AsyncHandler handler)
      : io_(io),
        state_(std::make_shared<ServerState>(std::move(options), std::move(handler))),
        acceptor_(io),
        retry_timer_(io) {}

  Status<> start() {
    if (state_->options.tls) {
      auto tls = make_server_tls_context(*state_->options.tls);
      if (!tls.ok()) return tls.error();
      state_->tls.emplace(std::move(tls).value());
    }
    if (auto listening = listen(); !listening.ok()) return listening;
    if (!state_->options.basic_auth_users.empty()) {
      bcrypt_ = std::make_shared<BcryptPool>(state_->options.auth_threads);
      state_->bcrypt = bcrypt_;
    }
    accept();
    return done;
  }

  unsigned short port() const {
    boost::system::error_code ec;
    const auto endpoint = acceptor_.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
  }

  void stop() {
    state_->stopping = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    retry_timer_.cancel();
    std::vector<std::shared_ptr<SessionBase>> open;
    for (const auto& [id, weak] : state_->sessions) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
    for (const auto& session : open) session->close();
    if (bcrypt_) bcrypt_->shutdown();  // checks not started yet are dropped with their sessions
    bcrypt_.reset();
  }

  const ServerStats& stats() const { return state_->stats; }

 private:
  Result<tcp::endpoint> resolve(const ListenAddress& address) {
    if (address.host.empty()) {
      // All interfaces: IPv6 "any" with v6_only off takes IPv4 too, where IPv6 exists.
      tcp::socket probe(io_);
      boost::system::error_code ec;
      probe.open(tcp::v6(), ec);
      return ec ? tcp::endpoint(tcp::v4(), address.port) : tcp::endpoint(tcp::v6(), address.port);
    }
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    const auto results =
        resolver.resolve(address.host, std::to_string(address.port),
                         tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return Error{"cannot listen on '" + state_->options.listen_address + "': cannot resolve '" +
                   address.host + "': " + ec.message()};
    }
    return results.begin()->endpoint();
  }

  Status<> listen() {
    const Result<ListenAddress> parsed = parse_listen_address(state_->options.listen_address);
    if (!parsed.ok()) return parsed.error();
    const Result<tcp::endpoint> resolved = resolve(parsed.value());
    if (!resolved.ok()) return resolved.error();
    const tcp::endpoint& endpoint = resolved.value();
    boost::system::error_code ec;
    // The step that failed, after closing the acceptor; done when `ec` is clear.
    auto check = [&](const char* step) -> Status<> {
      if (!ec) return done;
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      return Error{"cannot listen on '" + state_->options.listen_address + "' (" +
                   format_endpoint(endpoint) + "): " + step + ": " + ec.message()};
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (auto s = check("socket"); !s.ok()) return s;
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (auto s = check("SO_REUSEADDR"); !s.ok()) return s;
    if (endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
      acceptor_.set_option(net::ip::v6_only(false), ec);
      if (auto s = check("IPV6_V6ONLY"); !s.ok()) return s;
    }
    acceptor_.bind(endpoint, ec);
    if (auto s = check("bind"); !s.ok()) return s;
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    return check("listen");
  }

  void accept() {
    acceptor_.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          self->on_accept(ec, std::move(socket));
        });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (state_->stopping || ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors and the like: wait a little rather than spin.
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
        if (!wait_ec && !self->state_->stopping) self->accept();
      });
      return;
    }
    ++state_->stats.connections_accepted;
    if (make_room()) start_session(std::move(socket));
    accept();
  }

  // At the limit, evicts the connection waiting longest for its request header, or whose
  // answer its peer has not read for longest; false if every connection is busy (the new
  // one is then dropped).
  bool make_room() {
    if (state_->table.size() < state_->options.max_connections) return true;
    ++state_->stats.connections_rejected;
    if (state_->options.on_connection_dropped) state_->options.on_connection_dropped();
    const auto victim =
        state_->table.evictable(ConnectionTable::Clock::now(), state_->options.write_grace);
    if (!victim) return false;
    auto session = state_->sessions[*victim].lock();
    if (session) {
      session->close();
    } else {
      state_->remove(*victim);
    }
    return true;
  }

  void start_session(tcp::socket socket) {
    boost::system::error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    socket.set_option(tcp::no_delay(true), ec);
    const auto id = state_->next_id++;
    const std::string remote = format_endpoint(peer);
    if (state_->tls) {
      using Session = HttpSession<beast::ssl_stream<beast::tcp_stream>>;
      run(std::make_shared<Session>(state_, id, remote, std::move(socket), *state_->tls), id);
    } else {
      using Session = HttpSession<beast::tcp_stream>;
      run(std::make_shared<Session>(state_, id, remote, std::move(socket)), id);
    }
  }

  template <class Session>
  void run(const std::shared_ptr<Session>& session, ConnectionTable::Id id) {
    state_->add(id, session, ConnectionTable::Clock::now());
    session->run();
  }

  net::io_context& io_;
  std::shared_ptr<ServerState> state_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::shared_ptr<BcryptPool> bcrypt_;
};

}  // namespace detail

HttpServer::HttpServer(boost::asio::io_context& io, ServerOptions options, AsyncHandler handler)
    : listener_(std::make_shared<detail::Listener>(io, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  listener_->stop();
}

Status<> HttpServer::start() {
  return listener_->start();
}
unsigned short HttpServer::port() const {
  return listener_->port();
}
void HttpServer::stop() {
  listener_->stop();
}
const ServerStats& HttpServer::stats() const {
  return listener_->stats();
}

}  // namespace wte::web
