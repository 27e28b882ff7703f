#pragma once
// Tells systemd where the daemon is (Type=notify): READY=1, RELOADING=1 (with
// MONOTONIC_USEC, as Type=notify-reload asks), STOPPING=1, STATUS=, and WATCHDOG=1 every half
// WatchdogSec when the unit sets it. Does nothing when not run by systemd ($NOTIFY_SOCKET
// unset), so it is safe everywhere. The datagrams go out through NotifySocket (no libsystemd).
#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "exporter/notify_socket.hpp"
#include "logging/logger.hpp"

namespace wte::exporter {

// What systemd passes to the service in its environment.
struct SystemdEnvironment {
  std::string notify_socket;  // $NOTIFY_SOCKET
  std::string watchdog_usec;  // $WATCHDOG_USEC: set with WatchdogSec=
  std::string watchdog_pid;   // $WATCHDOG_PID: the process the watchdog is meant for
  static SystemdEnvironment from_process();
};

// How often to send WATCHDOG=1: half the interval systemd asked for (sd_watchdog_enabled(3)'s
// advice), or zero when there is no watchdog for the process `self`.
std::chrono::microseconds watchdog_ping_interval(const SystemdEnvironment& env, pid_t self);

// "RELOADING=1\nMONOTONIC_USEC=N": N is CLOCK_MONOTONIC when the reload starts.
std::string reloading_message(std::chrono::microseconds monotonic_now);

class SystemdNotifier {
 public:
  SystemdNotifier(boost::asio::io_context& io, logging::Logger& logger,
                  const SystemdEnvironment& env = SystemdEnvironment::from_process());
  void ready();
  void reloading();
  void ready_after_reload();
  void stopping();
  void status(std::string_view text);

  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }

 private:
  void arm_watchdog();
  void notify(std::string_view message);
  logging::Logger& logger_;
  NotifySocket socket_;
  boost::asio::steady_timer watchdog_;
  std::chrono::microseconds watchdog_interval_{0};
  bool failure_logged_ = false;
};

}  // namespace wte::exporter
