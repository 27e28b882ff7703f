#include "exporter/notify_socket.hpp"

#include <doctest/doctest.h>

#include "exporter/notify_test_socket.hpp"
#include "support/temp_dir.hpp"

using namespace wte::exporter;
using wte::exporter::testing::NotifyListener;

TEST_CASE("NOTIFY_SOCKET values: absolute paths and abstract names only") {
  const auto path = parse_notify_address("/run/systemd/notify");
  REQUIRE(path);
  CHECK(std::string(path->address.sun_path) == "/run/systemd/notify");
  CHECK(path->length == offsetof(sockaddr_un, sun_path) + 20);  // with the NUL

  const auto abstract = parse_notify_address("@/org/freedesktop/systemd1/notify/42");
  REQUIRE(abstract);
  CHECK(abstract->address.sun_path[0] == '\0');
  CHECK(std::string(abstract->address.sun_path + 1) == "/org/freedesktop/systemd1/notify/42");
  CHECK(abstract->length == offsetof(sockaddr_un, sun_path) + 36);  // no NUL at the end

  CHECK_FALSE(parse_notify_address(""));
  CHECK_FALSE(parse_notify_address("@"));
  CHECK_FALSE(parse_notify_address("/"));
  CHECK_FALSE(parse_notify_address("run/notify"));
  CHECK_FALSE(parse_notify_address("vsock:2:1234"));
  CHECK_FALSE(parse_notify_address("/" + std::string(sizeof(sockaddr_un::sun_path) - 1, 'x')));
  CHECK(parse_notify_address("/" + std::string(sizeof(sockaddr_un::sun_path) - 2, 'x')));
  CHECK(parse_notify_address("@" + std::string(sizeof(sockaddr_un::sun_path) - 1, 'x')));
}

TEST_CASE("unset NOTIFY_SOCKET: disabled, and sending is a quiet no-op") {
  NotifySocket s("");
  CHECK_FALSE(s.enabled());
  CHECK(s.problem().empty());
  CHECK(s.send("READY=1").ok());
}

TEST_CASE("an unusable NOTIFY_SOCKET says why") {
  NotifySocket s("relative/notify");
  CHECK_FALSE(s.enabled());
  CHECK(s.problem().find("relative/notify") != std::string::npos);
}

TEST_CASE("datagrams reach a socket bound at a path") {
  wte::test::TempDir dir;
  const std::string path = (dir.path() / "notify").string();
  NotifyListener systemd(path);
  NotifySocket s(path);
  REQUIRE(s.enabled());
  CHECK(s.send("READY=1\nSTATUS=serving").ok());
  CHECK(s.send("STOPPING=1").ok());
  CHECK(systemd.receive() == "READY=1\nSTATUS=serving");  // one message, one datagram
  CHECK(systemd.receive() == "STOPPING=1");
}

TEST_CASE("datagrams reach a socket in the abstract namespace") {
  const std::string name = wte::exporter::testing::unique_abstract_name();
  NotifyListener systemd(name);
  NotifySocket s(name);
  REQUIRE(s.enabled());
  CHECK(s.send("READY=1").ok());
  CHECK(systemd.receive() == "READY=1");
}

TEST_CASE("a socket nobody listens on: the error is returned, never thrown") {
  wte::test::TempDir dir;
  NotifySocket s((dir.path() / "nobody").string());
  REQUIRE(s.enabled());
  CHECK_FALSE(s.send("READY=1").ok());
}
