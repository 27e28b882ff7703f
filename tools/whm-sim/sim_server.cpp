#include "sim_server.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <stdexcept>

#include "tcp_probe.hpp"

namespace wte::whmsim {

namespace {

constexpr std::chrono::milliseconds kTick{50};
constexpr unsigned kTicksPerProbe = 4;  // held requests' clients looked at every 200 ms

// Transport faults need the server's help: lib/web sends them when its Response has the
// fields (detected at compile time); without them the nearest it can do is used.
template <class R>
void apply_transport(R& r, const SimReply& reply) {
  if constexpr (requires { r.chunked = true; }) r.chunked = reply.chunked;
  if (!reply.cut_body_at) return;
  if constexpr (requires { r.abort_after_body_bytes = std::optional<std::size_t>{}; }) {
    r.abort_after_body_bytes = reply.cut_body_at;
  } else {
    r.body.resize(*reply.cut_body_at);  // half the body, then the connection closes
    r.close = true;
  }
}

}  // namespace

SimServer::SimServer(boost::asio::io_context& io, World& world, SimTlsFiles tls,
                     std::vector<unsigned short> ports, unsigned short control_port)
    : io_(io), world_(world), tls_(std::move(tls)), control_port_(control_port), tick_timer_(io) {
  hosts_.resize(world.host_count());
  for (std::size_t i = 0; i < ports.size() && i < hosts_.size(); ++i) hosts_[i].port = ports[i];
}

SimServer::~SimServer() {
  stop();
}

void SimServer::start() {
  web::ServerOptions options;
  options.listen_address = "127.0.0.1:" + std::to_string(control_port_);
  control_ = std::make_unique<web::HttpServer>(
      io_, options, web::make_async([this](const web::Request& request) {
        web::Response r = world_.control(request, Clock::now());
        sync_listeners();  // a fault may have switched refuse or wrong_cert
        return r;
      }));
  if (const auto started = control_->start(); !started.ok()) {
    throw std::runtime_error(started.error().message);
  }
  control_port_ = control_->port();
  sync_listeners();
  schedule_tick();
}

void SimServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  tick_timer_.cancel();
  parked_.clear();
  world_.drop_held();
  hung_.clear();
  for (auto& h : hosts_) {
    if (h.server) h.server->stop();
    h.server.reset();
  }
  if (control_) control_->stop();
  control_.reset();
}

unsigned short SimServer::control_port() const {
  return control_port_;
}

// Each host listens, or not (refuse), with the right or the wrong certificate, on the port
// it first got, so a client sees the same address come and go.
void SimServer::sync_listeners() {
  if (stopped_) return;
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    HostServer& h = hosts_[i];
    const Faults& f = world_.host_faults(i);
    const bool listen = !f.refuse;
    if (h.server && (!listen || h.wrong_cert != f.wrong_cert)) {
      h.server->stop();
      h.server.reset();
    }
    if (!listen || h.server) continue;
    web::ServerOptions options;
    options.listen_address = "127.0.0.1:" + std::to_string(h.port);
    options.tls = web::TlsServerFiles{};
    options.tls->cert_file = f.wrong_cert ? tls_.wrong_cert_file : tls_.cert_file;
    options.tls->key_file = f.wrong_cert ? tls_.wrong_key_file : tls_.key_file;
    h.server = std::make_unique<web::HttpServer>(
        io_, options, [this, i](web::Request request, web::Respond respond) {
          on_request(i, std::move(request), std::move(respond));
        });
    if (const auto started = h.server->start(); !started.ok()) {
      throw std::runtime_error(started.error().message);
    }
    h.port = h.server->port();
    h.wrong_cert = f.wrong_cert;
    world_.set_port(i, h.port);
  }
}

void SimServer::on_request(std::size_t host, web::Request request, web::Respond respond) {
  SimReply reply = world_.handle(host, request, Clock::now());
  if (reply.held) {
    parked_.push_back(
        {*reply.held, hosts_[host].port, std::move(request.remote_address), std::move(respond)});
    return;
  }
  deliver(std::move(reply), std::move(respond));
}

void SimServer::deliver(SimReply reply, web::Respond respond) {
  if (reply.never) {
    hung_.push_back(std::move(respond));
    return;
  }
  web::Response response = std::move(reply.response);
  apply_transport(response, reply);
  if (reply.delay.count() <= 0) return respond(std::move(response));
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, reply.delay);
  timer->async_wait([timer, respond = std::move(respond),
                     response = std::move(response)](boost::system::error_code ec) mutable {
    if (!ec) respond(std::move(response));
  });
}

void SimServer::schedule_tick() {
  tick_timer_.expires_after(kTick);
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    tick();
    schedule_tick();
  });
}

// Held log requests are answered once the world has their answer (their session ended, or
// what held them no longer does), whether or not their client is still there.
void SimServer::tick() {
  if (++ticks_ % kTicksPerProbe == 0) probe_clients();
  std::vector<Parked> still;
  for (auto& p : parked_) {
    if (auto reply = world_.answer_held(p.id, Clock::now())) {
      deliver(std::move(*reply), std::move(p.respond));
    } else {
      still.push_back(std::move(p));
    }
  }
  parked_ = std::move(still);
}

// lib/web reads nothing from a connection while its request is being answered (nor does
// cpsrvd's looping worker), so a client that gave up is seen from outside, in the kernel's
// table of connections.
void SimServer::probe_clients() {
  const bool any =
      std::any_of(parked_.begin(), parked_.end(), [](const Parked& p) { return p.connected; });
  if (!any) return;
  const auto table = read_tcp_table();
  if (!table) return;  // unknown: every client counts as connected
  for (auto& p : parked_) {
    if (!p.connected || tcp_established(*table, p.local_port, p.remote_address)) continue;
    p.connected = false;
    world_.held_client_gone(p.id);
  }
}

std::string SimServer::ports_json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("hosts");
  w.StartArray();
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    w.StartObject();
    w.Key("name");
    w.String(world_.host(i).name.c_str());
    w.Key("port");
    w.Uint(hosts_[i].port);
    w.Key("log_access");
    const std::string_view access = log_access_name(world_.host(i).log_access);
    w.String(access.data(), static_cast<rapidjson::SizeType>(access.size()));
    w.Key("sessions");
    w.StartArray();
    for (const auto& id : world_.session_ids(i)) w.String(id.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("control_port");
  w.Uint(control_port_);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

}  // namespace wte::whmsim
