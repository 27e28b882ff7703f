#pragma once
// Internal: what the listener and its sessions share. Held by shared_ptr, so sessions that
// outlive the HttpServer object (their handlers still queued) find it intact.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <unordered_map>

#include "web/basic_auth.hpp"
#include "web/bcrypt_pool.hpp"
#include "web/connection_table.hpp"
#include "web/http_server.hpp"

namespace wte::web::detail {

// What the listener needs of a session, whatever its stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;  // closes at once, unregisters; idempotent
};

struct ServerState {
  ServerState(ServerOptions opts, AsyncHandler h)
      : options(std::move(opts)), handler(std::move(h)) {}

  ServerOptions options;
  AsyncHandler handler;
  ServerStats stats;
  ConnectionTable table;
  std::unordered_map<ConnectionTable::Id, std::weak_ptr<SessionBase>> sessions;
  AuthCache auth_cache;
  // Owned by the listener, which shuts it down when the server stops; sessions that outlive
  // the server find it gone.
  std::weak_ptr<BcryptPool> bcrypt;
  std::optional<boost::asio::ssl::context> tls;
  bool stopping = false;
  ConnectionTable::Id next_id = 1;

  void add(ConnectionTable::Id id, const std::shared_ptr<SessionBase>& session,
           ConnectionTable::Clock::time_point now) {
    table.add(id, now);
    sessions[id] = session;
    stats.connections_open = table.size();
  }
  void remove(ConnectionTable::Id id) {
    if (!table.remove(id)) return;
    sessions.erase(id);
    stats.connections_open = table.size();
  }
};

}  // namespace wte::web::detail
