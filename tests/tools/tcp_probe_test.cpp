#include "whm-sim/tcp_probe.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

using namespace wte::whmsim;
using namespace std::chrono_literals;

namespace {

// Port 8080 (1F90) listening, a client from 54321 (D431) connected, one from 54322 (D432)
// that closed its end (the server's socket in CLOSE_WAIT), and the first client's own socket.
constexpr std::string_view kTable =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        "
    "0 11 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        "
    "0 12 1 0000000000000000 20 4 30 10 -1\n"
    "   2: 0100007F:1F90 0100007F:D432 08 00000000:00000000 00:00000000 00000000  1000        "
    "0 13 1 0000000000000000 20 4 30 10 -1\n"
    "   3: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        "
    "0 14 1 0000000000000000 20 4 30 10 -1\n";

// A plain file descriptor, closed on scope exit.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) { REQUIRE(fd >= 0); }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  void close() {
    ::close(fd);
    fd = -1;
  }
};

sockaddr_in loopback(unsigned short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

unsigned short port_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("a connection is established only while the kernel lists it so") {
  CHECK(tcp_established(kTable, 8080, "127.0.0.1:54321"));
  CHECK_FALSE(tcp_established(kTable, 8080, "127.0.0.1:54322"));  // the client closed
  CHECK_FALSE(tcp_established(kTable, 8080, "127.0.0.1:54323"));  // gone (reset)
  CHECK_FALSE(tcp_established(kTable, 8081, "127.0.0.1:54321"));  // another server's port
  CHECK_FALSE(tcp_established("", 8080, "127.0.0.1:54321"));
  // Addresses it cannot look up: unknown, so connected.
  CHECK(tcp_established(kTable, 8080, "[::1]:54321"));
  CHECK(tcp_established(kTable, 8080, "127.0.0.1"));
  CHECK(tcp_established(kTable, 8080, "127.0.0.300:1"));
}

TEST_CASE("a real loopback client is seen leaving") {
  if (!read_tcp_table()) return;  // not Linux: nothing to look at
  Fd listener(socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in any = loopback(0);
  REQUIRE(bind(listener.fd, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0);
  REQUIRE(listen(listener.fd, 1) == 0);
  const unsigned short server_port = port_of(listener.fd);
  Fd client(socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in to = loopback(server_port);
  REQUIRE(connect(client.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  Fd accepted(accept(listener.fd, nullptr, nullptr));
  const std::string remote = "127.0.0.1:" + std::to_string(port_of(client.fd));

  CHECK(tcp_established(read_tcp_table().value(), server_port, remote));
  client.close();
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {  // the FIN arrives at once on loopback; generous
    gone = !tcp_established(read_tcp_table().value(), server_port, remote);
    if (!gone) std::this_thread::sleep_for(25ms);
  }
  CHECK(gone);
}
