#include "exporter/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace wte::exporter {

SystemdNotifier::SystemdNotifier(boost::asio::io_context& io) : watchdog_(io) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
  }
}

void SystemdNotifier::notify(std::string_view state) {
  const std::string s(state);
  sd_notify(0, s.c_str());  // a no-op outside systemd
}

void SystemdNotifier::ready() {
  notify("READY=1\nSTATUS=serving");
  arm_watchdog();
}
void SystemdNotifier::reloading() {
  notify("RELOADING=1");
}
void SystemdNotifier::ready_after_reload() {
  notify("READY=1");
}
void SystemdNotifier::stopping() {
  watchdog_.cancel();
  notify("STOPPING=1");
}
void SystemdNotifier::status(std::string_view text) {
  notify("STATUS=" + std::string(text));
}

void SystemdNotifier::arm_watchdog() {
  if (watchdog_interval_.count() == 0) return;
  // Sent from the event loop: if the loop hangs, the pings stop and systemd restarts us.
  notify("WATCHDOG=1");
  watchdog_.expires_after(watchdog_interval_);
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) arm_watchdog();
  });
}

}  // namespace wte::exporter
