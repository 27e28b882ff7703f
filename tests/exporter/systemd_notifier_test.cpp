#include "exporter/systemd_notifier.hpp"

#include <doctest/doctest.h>
#include <time.h>
#include <unistd.h>

#include <sstream>

#include "exporter/notify_test_socket.hpp"

using namespace wte::exporter;
using wte::exporter::testing::NotifyListener;
using wte::exporter::testing::unique_abstract_name;
using namespace std::chrono_literals;

namespace {

std::chrono::microseconds monotonic() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::nanoseconds(ts.tv_nsec));
}

SystemdEnvironment env_for(const std::string& socket, std::string usec = "", std::string pid = "") {
  return {socket, std::move(usec), std::move(pid)};
}

}  // namespace

TEST_CASE("the watchdog interval: half of WATCHDOG_USEC, for this process only") {
  const pid_t self = ::getpid();
  const std::string me = std::to_string(self);
  CHECK(watchdog_ping_interval(env_for("@x", "60000000", me), self) == 30s);
  CHECK(watchdog_ping_interval(env_for("@x", "60000000"), self) == 30s);       // no PID: ours
  CHECK(watchdog_ping_interval(env_for("@x", "60000000", "1"), self) == 0us);  // someone else's
  CHECK(watchdog_ping_interval(env_for("@x", "", me), self) == 0us);
  CHECK(watchdog_ping_interval(env_for("@x", "0", me), self) == 0us);
  CHECK(watchdog_ping_interval(env_for("@x", "60s", me), self) == 0us);
  CHECK(watchdog_ping_interval(env_for("@x", "-5", me), self) == 0us);
}

TEST_CASE("RELOADING=1 carries MONOTONIC_USEC") {
  CHECK(reloading_message(1234567us) == "RELOADING=1\nMONOTONIC_USEC=1234567");
}

TEST_CASE("ready, reload, status and stop reach systemd's socket in order") {
  const std::string name = unique_abstract_name();
  NotifyListener systemd(name);
  boost::asio::io_context io;
  std::ostringstream log;
  wte::logging::Logger logger(log);
  SystemdNotifier notifier(io, logger, env_for(name));
  CHECK(notifier.watchdog_interval() == 0us);

  notifier.ready();
  CHECK(systemd.receive() == "READY=1\nSTATUS=serving");

  const auto before = monotonic();
  notifier.reloading();
  const auto after = monotonic();
  const auto reloading = systemd.receive();
  REQUIRE(reloading);
  REQUIRE(reloading->starts_with("RELOADING=1\nMONOTONIC_USEC="));
  const long long usec = std::stoll(reloading->substr(reloading->find('=', 12) + 1));
  CHECK(usec >= before.count());
  CHECK(usec <= after.count());
  notifier.ready_after_reload();
  CHECK(systemd.receive() == "READY=1");

  notifier.status("polling 3 hosts");
  CHECK(systemd.receive() == "STATUS=polling 3 hosts");
  notifier.stopping();
  CHECK(systemd.receive() == "STOPPING=1");
  CHECK_FALSE(systemd.receive_now());  // no watchdog without WatchdogSec
  CHECK(log.str().empty());
}

TEST_CASE("WatchdogSec: WATCHDOG=1 at ready and then every half interval, until stopping") {
  const std::string name = unique_abstract_name();
  NotifyListener systemd(name);
  boost::asio::io_context io;
  std::ostringstream log;
  wte::logging::Logger logger(log);
  // 20 ms: a ping every 10 ms.
  SystemdNotifier notifier(io, logger, env_for(name, "20000", std::to_string(::getpid())));
  CHECK(notifier.watchdog_interval() == 10ms);

  notifier.ready();
  CHECK(systemd.receive() == "READY=1\nSTATUS=serving");
  CHECK(systemd.receive() == "WATCHDOG=1");
  // The next pings come from the event loop's timer.
  int pings = 0;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (pings < 3 && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(100ms);
    while (auto m = systemd.receive_now()) {
      CHECK(*m == "WATCHDOG=1");
      ++pings;
    }
  }
  CHECK(pings >= 3);

  notifier.stopping();
  io.run();  // returns only because the cancelled timer is not armed again
  std::string last;
  while (auto m = systemd.receive_now()) last = *m;
  CHECK(last == "STOPPING=1");
}

TEST_CASE("not under systemd: nothing is sent, nothing is logged, no timer runs") {
  boost::asio::io_context io;
  std::ostringstream log;
  wte::logging::Logger logger(log);
  SystemdNotifier notifier(io, logger, env_for("", "20000"));
  notifier.ready();
  notifier.reloading();
  notifier.stopping();
  io.run();
  CHECK(log.str().empty());
}

TEST_CASE("a socket that refuses: one warning, not one per message") {
  boost::asio::io_context io;
  std::ostringstream log;
  wte::logging::Logger logger(log);
  SystemdNotifier notifier(io, logger, env_for(unique_abstract_name()));  // nobody bound it
  notifier.ready();
  notifier.status("x");
  notifier.stopping();
  const std::string text = log.str();
  CHECK(text.find("cannot notify systemd") != std::string::npos);
  CHECK(text.find("cannot notify systemd") == text.rfind("cannot notify systemd"));
}
