#pragma once
// The WHM API 1 client for one endpoint: HTTPS with verification, a small pool of keep-alive
// connections, one deadline per request. Single-threaded: everything runs on the caller's
// io_context, and every callback is invoked from it.
//
// Guarantees: each callback runs exactly once (after cancel_all() too, with a timeout-reason
// error); never inline from the call that issued it. Destroying the client abandons the
// requests in flight: their callbacks are then never invoked, and nothing touches the
// destroyed client. No message ever contains the token.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "whm/endpoint.hpp"
#include "whm/envelope.hpp"
#include "whm/errors.hpp"

namespace wte::whm {

struct ClientStats {
  std::uint64_t requests = 0;            // calls made, each counted once whatever the outcome
  std::uint64_t tls_handshakes = 0;      // completed handshakes (a reused connection adds none)
  std::uint64_t connections_opened = 0;  // TCP connections established
  std::uint64_t bytes_received = 0;      // HTTP bytes read (headers and body)
};

class TlsContextCache;

class WhmClient {
 public:
  // With its own TLS context...
  WhmClient(boost::asio::io_context& io, Endpoint endpoint);
  // ...or one from `contexts`, shared with the other clients of the same trust settings
  // (`contexts` is used here only).
  WhmClient(boost::asio::io_context& io, Endpoint endpoint, TlsContextCache& contexts);
  ~WhmClient();
  WhmClient(const WhmClient&) = delete;
  WhmClient& operator=(const WhmClient&) = delete;

  // get_transfer_session_state: the state name (PENDING, RUNNING, COMPLETED..., or any other
  // name the server sends).
  void get_session_state(std::string session_id, std::function<void(Result<std::string>)> done);

  // fetch_transfer_session_log: the whole of `logfile` (docs/LOG-FORMAT.md, section 2:
  // master.log blocks while the session runs on current servers; .master.log is the log
  // being written).
  void fetch_session_log(std::string session_id, std::function<void(Result<LogBody>)> done,
                         std::string_view logfile = "master.log");

  // Stops every queued and running request; their callbacks report a timeout-reason error
  // "... cancelled". Idle connections are closed. The client stays usable.
  void cancel_all();

  const ClientStats& stats() const noexcept;
  const Endpoint& endpoint() const noexcept;
  // Called on the io_context each time a TLS handshake completes (a new connection), so the
  // caller can count them as they happen.
  void on_tls_handshake(std::function<void()> observer);

  class Core;  // shared with the asynchronous operations, which only hold it weakly

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace wte::whm
