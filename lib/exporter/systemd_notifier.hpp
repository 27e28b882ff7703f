#pragma once
// Tells systemd where the daemon is (Type=notify): READY=1, RELOADING=1, STOPPING=1, and
// WATCHDOG=1 every half WatchdogSec when the unit sets it. Does nothing when not run by
// systemd ($NOTIFY_SOCKET unset), so it is safe everywhere.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <string_view>

namespace wte::exporter {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(boost::asio::io_context& io);
  void ready();
  void reloading();
  void ready_after_reload();
  void stopping();
  void status(std::string_view text);

 private:
  void arm_watchdog();
  void notify(std::string_view state);
  boost::asio::steady_timer watchdog_;
  std::chrono::microseconds watchdog_interval_{0};
};

}  // namespace wte::exporter
