#include "web/http_server.hpp"

#include <crypt.h>
#include <doctest/doctest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_bcrypt.hpp"
#include "test_server.hpp"
#include "web/router.hpp"

namespace wte::web::test {
namespace {

AsyncHandler hello_handler() {
  return make_async([](const Request& r) { return Response::text(200, "hello " + r.path); });
}

// Respond objects parked by a handler; touched only on the server's thread.
struct Parked {
  std::vector<Respond> responds;
};

}  // namespace

TEST_CASE("GET returns the handler's response, and keep-alive reuses the connection") {
  std::vector<std::string> remotes;  // written on the server thread, read after on_io
  ServerThread server(test_options(), [&remotes](Request r, Respond respond) {
    remotes.push_back(r.remote_address);
    Response response =
        Response::text(200, "path=" + r.path + " q=" + r.query_param("q").value_or("-"));
    response.headers.emplace_back("X-Test", "1");
    respond(std::move(response));
  });
  Client client;
  REQUIRE(client.connect(server.port()));
  auto first = client.request("GET", "/metrics?q=a%20b");
  REQUIRE(first);
  CHECK(first->result_int() == 200);
  CHECK(first->body() == "path=/metrics q=a b");
  CHECK((*first)["X-Test"] == "1");
  CHECK((*first)[http::field::content_type] == "text/plain; charset=utf-8");
  auto second = client.request("GET", "/again");
  REQUIRE(second);
  CHECK(second->body() == "path=/again q=-");

  const ServerStats stats = server.stats();
  CHECK(stats.connections_accepted == 1);
  CHECK(stats.requests == 2);
  CHECK(stats.connections_open == 1);
  server.on_io([&] {
    REQUIRE(remotes.size() == 2);
    CHECK(remotes[0] == remotes[1]);
    CHECK(remotes[0].starts_with("127.0.0.1:"));
    return 0;
  });
}

TEST_CASE("pipelined requests are answered in order") {
  ServerThread server(test_options(), hello_handler());
  Client client;
  REQUIRE(client.connect(server.port()));
  REQUIRE(client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = client.read();
  auto b = client.read();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->body() == "hello /a");
  CHECK(b->body() == "hello /b");
}

TEST_CASE("HEAD gets the GET's headers and no body") {
  ServerThread server(test_options(), hello_handler());
  Client client;
  REQUIRE(client.connect(server.port()));
  auto head = client.request("HEAD", "/x");
  REQUIRE(head);
  CHECK(head->result_int() == 200);
  CHECK((*head)[http::field::content_length] == "8");
  CHECK(head->body().empty());
  auto get = client.request("GET", "/x");  // the connection is still in step
  REQUIRE(get);
  CHECK(get->body() == "hello /x");
}

TEST_CASE("Connection: close and HTTP/1.0 close after the response") {
  ServerThread server(test_options(), hello_handler());
  Client client;
  REQUIRE(client.connect(server.port()));
  auto r = client.request("GET", "/", "Connection: close\r\n");
  REQUIRE(r);
  CHECK_FALSE(r->keep_alive());
  CHECK(client.closed_by_peer(1000ms));

  Client old;
  REQUIRE(old.connect(server.port()));
  REQUIRE(old.send("GET / HTTP/1.0\r\n\r\n"));
  auto r10 = old.read();
  REQUIRE(r10);
  CHECK(r10->body() == "hello /");
  CHECK(old.closed_by_peer(1000ms));
}

TEST_CASE("the router's 404 and 405 reach the client") {
  Router router;
  router.add("GET", "/metrics",
             make_async([](const Request&) { return Response::text(200, "m"); }));
  ServerThread server(test_options(), [&router](Request r, Respond respond) {
    router.dispatch(std::move(r), std::move(respond));
  });
  Client client;
  REQUIRE(client.connect(server.port()));
  auto missing = client.request("GET", "/nope");
  REQUIRE(missing);
  CHECK(missing->result_int() == 404);
  auto wrong = client.request("POST", "/metrics", "", "x=1");
  REQUIRE(wrong);
  CHECK(wrong->result_int() == 405);
  CHECK((*wrong)[http::field::allow] == "GET, HEAD");
  auto ok = client.request("GET", "/metrics");
  REQUIRE(ok);
  CHECK(ok->body() == "m");
}

TEST_CASE("a body over max_request_bytes gets a 413 and the connection closes") {
  ServerOptions options = test_options();
  options.max_request_bytes = 1024;
  bool called = false;
  ServerThread server(options, [&called](Request, Respond respond) {
    called = true;
    respond(Response::text(200, "ok"));
  });

  SUBCASE("declared by Content-Length") {
    Client client;
    REQUIRE(client.connect(server.port()));
    REQUIRE(client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" +
                        std::string(4096, 'a')));
    auto r = client.read();
    REQUIRE(r);
    CHECK(r->result_int() == 413);
    CHECK(client.closed_by_peer(1500ms));
  }
  SUBCASE("chunked") {
    Client client;
    REQUIRE(client.connect(server.port()));
    std::string chunks;
    for (int i = 0; i < 3; ++i) chunks += "200\r\n" + std::string(512, 'b') + "\r\n";
    REQUIRE(client.send("POST /api HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                        chunks));
    auto r = client.read();
    REQUIRE(r);
    CHECK(r->result_int() == 413);
    CHECK(client.closed_by_peer(1500ms));
  }
  SUBCASE("a body within the limit passes") {
    Client client;
    REQUIRE(client.connect(server.port()));
    auto r = client.request("POST", "/api", "", std::string(1024, 'c'));
    REQUIRE(r);
    CHECK(r->result_int() == 200);
  }
  const ServerStats stats = server.stats();
  CHECK(stats.bad_requests == (server.on_io([&] { return called; }) ? 0u : 1u));
}

TEST_CASE("a malformed request gets a 400 and the connection closes") {
  ServerThread server(test_options(), hello_handler());
  for (const std::string raw :
       {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "POST / HTTP/1.1\r\nContent-Length: zz\r\n\r\n"}) {
    CAPTURE(raw);
    Client client;
    REQUIRE(client.connect(server.port()));
    REQUIRE(client.send(raw));
    auto r = client.read();
    REQUIRE(r);
    CHECK(r->result_int() == 400);
    CHECK(client.closed_by_peer(1500ms));
  }
  CHECK(server.stats().bad_requests == 4);
  CHECK(server.stats().requests == 0);
}

TEST_CASE("an oversized header gets a 431") {
  ServerThread server(test_options(), hello_handler());
  Client client;
  REQUIRE(client.connect(server.port()));
  REQUIRE(client.send("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n"));
  auto r = client.read();
  REQUIRE(r);
  CHECK(r->result_int() == 431);
}

TEST_CASE("a header that does not arrive within header_timeout closes the connection") {
  ServerOptions options = test_options();
  options.header_timeout = 200ms;
  ServerThread server(options, hello_handler());
  Client client;
  const auto start = Clock::now();
  REQUIRE(client.connect(server.port()));
  REQUIRE(client.send("GET / HTTP/1.1\r\nHost: x\r\n"));  // and never the blank line
  CHECK(client.closed_by_peer(2000ms));
  const auto elapsed = Clock::now() - start;
  CHECK(elapsed >= 150ms);
  CHECK(elapsed < 1500ms);
  CHECK(server.stats().connections_open == 0);
}

TEST_CASE("an idle keep-alive connection closes after idle_timeout, not header_timeout") {
  ServerOptions options = test_options();
  options.header_timeout = 150ms;
  options.idle_timeout = 600ms;
  ServerThread server(options, hello_handler());
  Client client;
  REQUIRE(client.connect(server.port()));
  REQUIRE(client.request("GET", "/"));
  const auto start = Clock::now();
  CHECK(client.closed_by_peer(3000ms));
  const auto elapsed = Clock::now() - start;
  CHECK(elapsed >= 500ms);
  CHECK(elapsed < 2000ms);
}

TEST_CASE("slowloris: idle connections over the limit do not lock out a real request") {
  ServerOptions options = test_options();
  options.max_connections = 40;
  options.header_timeout = 20000ms;  // the attack must be defeated by eviction, not timeouts
  ServerThread server(options, hello_handler());

  net::io_context io;
  std::vector<net::ip::tcp::socket> attackers;
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), server.port());
  for (std::size_t i = 0; i < options.max_connections + 50; ++i) {
    net::ip::tcp::socket& s = attackers.emplace_back(io);
    s.connect(endpoint);
    net::write(s, net::buffer(std::string("GET / HTTP/1.1\r\nX-Slow: ")));
  }
  // Let the server accept them all first.
  for (int i = 0; i < 100 && server.stats().connections_accepted < attackers.size(); ++i) {
    std::this_thread::sleep_for(10ms);
  }

  const auto start = Clock::now();
  Client client;
  REQUIRE(client.connect(server.port()));
  auto r = client.request("GET", "/real");
  REQUIRE(r);
  CHECK(r->body() == "hello /real");
  CHECK(Clock::now() - start < 1000ms);

  const ServerStats stats = server.stats();
  CHECK(stats.connections_rejected >= 50);
  CHECK(stats.connections_open <= options.max_connections);
}

TEST_CASE("at the limit with every connection busy, a new connection is dropped") {
  ServerOptions options = test_options();
  options.max_connections = 3;
  auto parked = std::make_shared<Parked>();
  ServerThread server(options, [parked](Request, Respond respond) {
    parked->responds.push_back(std::move(respond));
  });
  std::vector<std::unique_ptr<Client>> busy;
  for (int i = 0; i < 3; ++i) {
    auto& c = busy.emplace_back(std::make_unique<Client>());
    REQUIRE(c->connect(server.port()));
    REQUIRE(c->send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  for (int i = 0; i < 100 && server.on_io([&] { return parked->responds.size(); }) < 3; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  Client extra;
  REQUIRE(extra.connect(server.port()));
  CHECK(extra.closed_by_peer(1500ms));
  CHECK(server.stats().connections_rejected == 1);

  server.on_io([&] {
    for (auto& respond : parked->responds) respond(Response::text(200, "late"));
    parked->responds.clear();
    return 0;
  });
  for (auto& c : busy) {
    auto r = c->read();
    REQUIRE(r);
    CHECK(r->body() == "late");
  }
}

TEST_CASE("an async handler may respond later; respond after disconnect or stop is harmless") {
  auto parked = std::make_shared<Parked>();
  ServerThread server(test_options(), [parked, &server](Request r, Respond respond) {
    if (r.path == "/timer") {
      auto timer = std::make_shared<net::steady_timer>(server.io(), 100ms);
      timer->async_wait([timer, respond](boost::system::error_code) {
        respond(Response::json(200, "{\"late\":true}"));
      });
      return;
    }
    parked->responds.push_back(std::move(respond));
  });

  SUBCASE("a timer responds") {
    Client client;
    REQUIRE(client.connect(server.port()));
    const auto start = Clock::now();
    auto r = client.request("GET", "/timer");
    REQUIRE(r);
    CHECK(Clock::now() - start >= 90ms);
    CHECK(r->body() == "{\"late\":true}");
    CHECK((*r)[http::field::content_type] == "application/json");
  }
  SUBCASE("the client left before the response") {
    {
      Client client;
      REQUIRE(client.connect(server.port()));
      REQUIRE(client.send("GET /park HTTP/1.1\r\nHost: x\r\n\r\n"));
      for (int i = 0; i < 100 && server.on_io([&] { return parked->responds.size(); }) < 1; ++i) {
        std::this_thread::sleep_for(10ms);
      }
    }  // the client closes here
    std::this_thread::sleep_for(50ms);
    server.on_io([&] {
      for (auto& respond : parked->responds) {
        respond(Response::text(200, "nobody listens"));
        respond(Response::text(200, "twice"));
      }
      return 0;
    });
    std::this_thread::sleep_for(50ms);
    Client after;
    REQUIRE(after.connect(server.port()));
    auto r = after.request("GET", "/timer");
    REQUIRE(r);
    CHECK(r->result_int() == 200);
  }
  server.on_io([&] {
    parked->responds.clear();
    return 0;
  });
}

TEST_CASE("respond after the server stopped is a no-op") {
  net::io_context io;
  std::vector<Respond> parked;
  auto server = std::make_unique<HttpServer>(
      io, test_options(),
      [&parked](Request, Respond respond) { parked.push_back(std::move(respond)); });
  REQUIRE(server->start().ok());
  const unsigned short port = server->port();
  std::thread thread([&io] { io.run(); });
  Client client;
  REQUIRE(client.connect(port));
  REQUIRE(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::promise<void> parked_one;
  // Poll on the server thread until the request is parked, then stop and respond.
  for (int i = 0; i < 100; ++i) {
    std::promise<std::size_t> count;
    net::post(io, [&] { count.set_value(parked.size()); });
    if (count.get_future().get() > 0) break;
    std::this_thread::sleep_for(10ms);
  }
  std::promise<void> done;
  net::post(io, [&] {
    server->stop();
    for (auto& respond : parked) respond(Response::text(200, "too late"));
    done.set_value();
  });
  done.get_future().wait();
  CHECK(client.closed_by_peer(1500ms));
  thread.join();  // nothing is left to run once the server stopped
  parked.clear();
  server.reset();
}

TEST_CASE("a handler that throws yields a 500") {
  ServerThread server(test_options(), [](Request, Respond) { throw std::runtime_error("boom"); });
  Client client;
  REQUIRE(client.connect(server.port()));
  auto r = client.request("GET", "/");
  REQUIRE(r);
  CHECK(r->result_int() == 500);
}

TEST_CASE("basic auth: 401 without or with wrong credentials, 200 with the right ones") {
  ServerOptions options = test_options();
  // bcrypt of "secret" at cost 4, made with crypt_rn by basic_auth_test's helper.
  options.basic_auth_users = {{"prom", make_test_bcrypt("secret")}};
  options.unauthenticated_paths = {"/-/healthy"};
  ServerThread server(options, hello_handler());
  Client client;
  REQUIRE(client.connect(server.port()));

  auto none = client.request("GET", "/metrics");
  REQUIRE(none);
  CHECK(none->result_int() == 401);
  CHECK((*none)[http::field::www_authenticate] == "Basic realm=\"whm_transfer_exporter\"");
  // "prom:wrong", "prom:secret", "eve:secret"
  auto wrong = client.request("GET", "/metrics", "Authorization: Basic cHJvbTp3cm9uZw==\r\n");
  REQUIRE(wrong);
  CHECK(wrong->result_int() == 401);
  auto stranger = client.request("GET", "/metrics", "Authorization: Basic ZXZlOnNlY3JldA==\r\n");
  REQUIRE(stranger);
  CHECK(stranger->result_int() == 401);
  auto right = client.request("GET", "/metrics", "Authorization: Basic cHJvbTpzZWNyZXQ=\r\n");
  REQUIRE(right);
  CHECK(right->result_int() == 200);
  CHECK(right->body() == "hello /metrics");
  auto health = client.request("GET", "/-/healthy");
  REQUIRE(health);
  CHECK(health->result_int() == 200);
}

TEST_CASE("start() reports an address in use and a bad address clearly") {
  net::io_context io;
  HttpServer first(io, test_options(), hello_handler());
  REQUIRE(first.start().ok());
  ServerOptions clash = test_options();
  clash.listen_address = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(io, clash, hello_handler());
  const auto started = second.start();
  REQUIRE_FALSE(started.ok());
  const std::string message = started.error().message;
  CHECK(message.find(clash.listen_address) != std::string::npos);
  CHECK(message.find("in use") != std::string::npos);
  ServerOptions bad = test_options();
  bad.listen_address = "127.0.0.1";
  HttpServer third(io, bad, hello_handler());
  const auto refused = third.start();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("host:port") != std::string::npos);
}

TEST_CASE("':port' listens on all interfaces and shows IPv4 peers as IPv4") {
  ServerOptions options = test_options();
  options.listen_address = ":0";
  ServerThread server(
      options, make_async([](const Request& r) { return Response::text(200, r.remote_address); }));
  Client client;
  REQUIRE(client.connect(server.port()));
  auto r = client.request("GET", "/");
  REQUIRE(r);
  CHECK(r->body().starts_with("127.0.0.1:"));
}

TEST_CASE("listening on [::1]:0 works where IPv6 exists") {
  net::io_context io;
  ServerOptions options = test_options();
  options.listen_address = "[::1]:0";
  HttpServer server(io, options, hello_handler());
  if (const auto started = server.start(); !started.ok()) {
    MESSAGE("no IPv6 loopback here: " << started.error().message);
    return;
  }
  CHECK(server.port() != 0);
}

}  // namespace wte::web::test

namespace wte::web::test {
namespace {

// A bcrypt hash that costs real time (cost 12: a few hundred ms), as an attacker would make
// every wrong password cost.
std::string slow_bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", 12, nullptr, 0, salt, sizeof salt))
    throw std::runtime_error("salt");
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
  if (!hash || hash[0] == '*') throw std::runtime_error("crypt");
  return hash;
}

}  // namespace

TEST_CASE("wrong passwords are checked off the loop: a cached scrape does not wait for them") {
  ServerOptions options = test_options();
  options.basic_auth_users = {{"prom", slow_bcrypt("secret")}};
  options.auth_threads = 1;
  ServerThread server(options, hello_handler());
  const std::string right = "Authorization: Basic cHJvbTpzZWNyZXQ=\r\n";  // prom:secret
  const std::string wrong = "Authorization: Basic cHJvbTp3cm9uZw==\r\n";  // prom:wrong

  Client scraper;
  REQUIRE(scraper.connect(server.port()));
  const auto first_start = Clock::now();
  auto first = scraper.request("GET", "/metrics", right);  // pays one bcrypt, then cached
  const auto one_bcrypt = Clock::now() - first_start;
  REQUIRE(first);
  REQUIRE(first->result_int() == 200);

  std::vector<std::unique_ptr<Client>> attackers;
  for (int i = 0; i < 4; ++i) {
    auto& a = attackers.emplace_back(std::make_unique<Client>());
    REQUIRE(a->connect(server.port()));
    REQUIRE(a->send("GET /metrics HTTP/1.1\r\nHost: x\r\n" + wrong + "\r\n"));
  }
  for (int i = 0; i < 3000 && server.stats().bcrypt_checks < 5; ++i)
    std::this_thread::sleep_for(5ms);
  CHECK(server.stats().bcrypt_checks == 5);  // four bcrypts queued: a second of work or more

  const auto start = Clock::now();
  auto cached = scraper.request("GET", "/metrics", right);
  const auto took = Clock::now() - start;
  REQUIRE(cached);
  CHECK(cached->result_int() == 200);
  CHECK(took < one_bcrypt);  // on the loop, it would wait for all four
  for (auto& a : attackers) {
    auto r = a->read(false, 60000ms);  // four bcrypts of cost 12, one at a time
    REQUIRE(r);
    CHECK(r->result_int() == 401);
  }
  CHECK(server.stats().bcrypt_checks == 5);
}

TEST_CASE("a connection checking a password when the server stops is closed cleanly") {
  ServerOptions options = test_options();
  options.basic_auth_users = {{"prom", slow_bcrypt("secret")}};
  options.auth_threads = 1;
  auto server = std::make_unique<ServerThread>(options, hello_handler());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) {
    auto& c = clients.emplace_back(std::make_unique<Client>());
    REQUIRE(c->connect(server->port()));
    REQUIRE(c->send("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic cHJvbTp3cm9uZw==\r\n\r\n"));
  }
  for (int i = 0; i < 200 && server->stats().bcrypt_checks < 3; ++i)
    std::this_thread::sleep_for(5ms);
  server.reset();  // two checks never started, one running: no leak, no crash
  for (auto& c : clients) CHECK(c->closed_by_peer(2000ms));
}

namespace {

// A client that sends `count` pipelined requests and never reads an answer.
std::unique_ptr<Client> non_reader(unsigned short port, int count) {
  auto c = std::make_unique<Client>();
  if (!c->connect(port)) return nullptr;
  std::string burst;
  for (int i = 0; i < count; ++i) burst += "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  if (!c->send(burst)) return nullptr;
  return c;
}

AsyncHandler big_handler(std::shared_ptr<std::atomic<int>> served) {
  return make_async([served](const Request& r) {
    ++*served;
    return Response::text(200, r.path == "/big" ? std::string(100 * 1024, 'x') : "small");
  });
}

}  // namespace

TEST_CASE("a client that sends requests and never reads costs a few answers, not a buffer full") {
  ServerOptions options = test_options();
  options.write_timeout = 1500ms;
  auto served = std::make_shared<std::atomic<int>>(0);
  ServerThread server(options, big_handler(served));
  auto client = non_reader(server.port(), 200);
  REQUIRE(client);
  std::this_thread::sleep_for(500ms);
  // 100 KB answers: the peer's receive buffer (128 KB by default) and max_unread_bytes
  // (256 KB) hold a few; without the check the send buffer (4 MB) took 40 or more.
  CHECK(served->load() < 12);
  // Then the write deadline closes it.
  for (int i = 0; i < 400 && server.stats().connections_open > 0; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(server.stats().connections_open == 0);
  CHECK(server.stats().write_stalls == 1);
}

TEST_CASE("at the limit, a connection whose answer is not read is evicted for a real client") {
  ServerOptions options = test_options();
  options.max_connections = 4;
  options.write_timeout = 20000ms;  // eviction must do it, not the deadline
  options.write_grace = 200ms;
  options.max_unread_bytes = 64 * 1024 * 1024;  // and not the drain check either
  auto served = std::make_shared<std::atomic<int>>(0);
  ServerThread server(options, big_handler(served));
  std::vector<std::unique_ptr<Client>> stuck;
  for (int i = 0; i < 4; ++i) {
    stuck.push_back(non_reader(server.port(), 400));
    REQUIRE(stuck.back());
  }
  // Their writes stall (40 MB asked, a few MB buffered): no answer is served for a while.
  for (int before = -1, i = 0; i < 100 && served->load() != before; ++i) {
    before = served->load();
    std::this_thread::sleep_for(500ms);
  }
  const auto start = Clock::now();
  Client real;
  REQUIRE(real.connect(server.port()));
  auto r = real.request("GET", "/small");
  REQUIRE(r);
  CHECK(r->body() == "small");
  CHECK(Clock::now() - start < 1000ms);
  CHECK(server.stats().connections_rejected >= 1);
}

}  // namespace wte::web::test
