#pragma once
// The HTTP(S) server of the exporter and of the WHM simulator: Beast, single-threaded on
// the caller's io_context, one small session per connection, every step under a deadline
// (after Beast's advanced_server examples). Keep-alive, HEAD, a body limit, basic auth
// (bcrypt on worker threads, never on the loop), and a connection limit that evicts slow
// header senders and clients that do not read their answers rather than real clients.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "error/result.hpp"
#include "web/basic_auth.hpp"
#include "web/http_types.hpp"
#include "web/tls_config.hpp"

namespace wte::web {
namespace detail {
class Listener;
}

struct ServerOptions {
  std::string listen_address = ":9923";  // "host:port", "[::1]:0", ":9923" = all interfaces
  std::size_t max_connections = 512;
  std::size_t max_request_bytes = std::size_t{1} << 20;  // the body; more is a 413
  std::chrono::milliseconds header_timeout{10000};       // from accept (or first byte) to header
  std::chrono::milliseconds idle_timeout{60000};         // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30000};        // to write one response
  // A response still writing after this long (the peer does not read) makes its connection
  // evictable at the limit, like one waiting for its header.
  std::chrono::milliseconds write_grace{1000};
  // Answered bytes the peer has not read yet past which the connection's next (pipelined)
  // request waits until they drain, within write_timeout: a client that sends requests and
  // never reads costs this much, not a render per request until the socket buffers fill.
  std::size_t max_unread_bytes = 256 * 1024;
  std::optional<TlsServerFiles> tls;
  std::vector<BasicAuthUser> basic_auth_users;     // empty: no authentication
  std::vector<std::string> unauthenticated_paths;  // exact paths exempt from basic auth
  // Told of each connection closed or evicted by max_connections, as it happens.
  std::function<void()> on_connection_dropped;
  std::size_t auth_threads = 0;  // bcrypt workers (0: see BcryptPool)
};

struct ServerStats {
  std::uint64_t connections_accepted = 0;  // every accepted TCP connection
  std::uint64_t connections_rejected = 0;  // closed at once, or evicted, by the limit
  std::uint64_t requests = 0;              // complete requests handed on (incl. 401s)
  std::uint64_t tls_handshake_failures = 0;
  std::uint64_t bad_requests = 0;   // 400, 413 and 431 answers
  std::uint64_t bcrypt_checks = 0;  // basic auth checks that needed a bcrypt (not cached)
  std::uint64_t write_stalls = 0;   // connections whose peer stopped reading (closed or evicted)
  std::size_t connections_open = 0;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ServerOptions options, AsyncHandler handler);
  ~HttpServer();  // stops; call it on the io_context's thread, or when it no longer runs
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS files, binds and listens. The error names the address (or file) and the
  // OS's reason.
  Status<> start();
  // The bound port (useful after binding port 0); 0 before start().
  unsigned short port() const;
  // Stops accepting and closes every connection; pending responds become no-ops.
  void stop();
  // Read on the io_context's thread.
  const ServerStats& stats() const;

 private:
  std::shared_ptr<detail::Listener> listener_;  // shared with its pending operations
};

}  // namespace wte::web
