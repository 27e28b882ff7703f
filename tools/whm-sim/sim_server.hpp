#pragma once
// Puts a World on the network: one HTTPS server per host on 127.0.0.1 (lib/web's
// HttpServer), and a plain-HTTP control server. Carries out what the world decides:
// delays, hangs, answers held until a session ends, refusing, the wrong certificate; and
// tells the world when the client of a held request has gone (tcp_probe.hpp).
// Everything runs on the one io_context thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "web/http_server.hpp"
#include "world.hpp"

namespace wte::whmsim {

struct SimTlsFiles {
  std::string cert_file, key_file;
  std::string wrong_cert_file, wrong_key_file;
};

class SimServer {
 public:
  // `ports`: per host, 0 (or missing) for an ephemeral port.
  SimServer(boost::asio::io_context& io, World& world, SimTlsFiles tls,
            std::vector<unsigned short> ports, unsigned short control_port);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds every host and the control port. Throws std::runtime_error.
  void start();
  void stop();
  unsigned short control_port() const;
  // {"hosts":[{"name","port","sessions":[...]}],"control_port":N}
  std::string ports_json() const;

 private:
  struct HostServer {
    std::unique_ptr<web::HttpServer> server;
    bool wrong_cert = false;
    unsigned short port = 0;
  };
  struct Parked {
    HeldId id;
    unsigned short local_port;
    std::string remote_address;
    web::Respond respond;
    bool connected = true;
  };

  void sync_listeners();
  void on_request(std::size_t host, web::Request request, web::Respond respond);
  void deliver(SimReply reply, web::Respond respond);
  void schedule_tick();
  void tick();
  void probe_clients();

  boost::asio::io_context& io_;
  World& world_;
  SimTlsFiles tls_;
  std::vector<HostServer> hosts_;
  unsigned short control_port_;
  std::unique_ptr<web::HttpServer> control_;
  std::vector<web::Respond> hung_;  // held so their connections stay open
  std::vector<Parked> parked_;      // held by the world: asked for their answer every tick
  boost::asio::steady_timer tick_timer_;
  unsigned ticks_ = 0;
  bool stopped_ = false;
};

}  // namespace wte::whmsim
