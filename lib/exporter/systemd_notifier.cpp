#include "exporter/systemd_notifier.hpp"

#include <time.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace wte::exporter {

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// A whole decimal number, or nullopt.
template <class T>
std::optional<T> parse_decimal(std::string_view s) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::chrono::microseconds monotonic_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::nanoseconds(ts.tv_nsec));
}

}  // namespace

SystemdEnvironment SystemdEnvironment::from_process() {
  return {env_or_empty("NOTIFY_SOCKET"), env_or_empty("WATCHDOG_USEC"),
          env_or_empty("WATCHDOG_PID")};
}

std::chrono::microseconds watchdog_ping_interval(const SystemdEnvironment& env, pid_t self) {
  const auto usec = parse_decimal<std::uint64_t>(env.watchdog_usec);
  if (!usec || *usec == 0) return std::chrono::microseconds(0);
  // WATCHDOG_PID names the process systemd watches; a child that inherited the variables
  // must not ping for its parent.
  if (!env.watchdog_pid.empty()) {
    const auto pid = parse_decimal<pid_t>(env.watchdog_pid);
    if (!pid || *pid != self) return std::chrono::microseconds(0);
  }
  return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(*usec / 2));
}

std::string reloading_message(std::chrono::microseconds monotonic) {
  return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic.count());
}

SystemdNotifier::SystemdNotifier(boost::asio::io_context& io, logging::Logger& logger,
                                 const SystemdEnvironment& env)
    : logger_(logger),
      socket_(env.notify_socket),
      watchdog_(io),
      watchdog_interval_(watchdog_ping_interval(env, ::getpid())) {
  if (!socket_.problem().empty())
    logger_.warn("systemd notifications off", {{"error", socket_.problem()}});
}

void SystemdNotifier::notify(std::string_view message) {
  const Status<> sent = socket_.send(message);
  // Once: a broken socket would otherwise log at every watchdog ping.
  if (!sent.ok() && !failure_logged_) {
    failure_logged_ = true;
    logger_.warn("cannot notify systemd (further failures are not logged)",
                 {{"error", sent.error().message}});
  }
}

void SystemdNotifier::ready() {
  notify("READY=1\nSTATUS=serving");
  arm_watchdog();
}
void SystemdNotifier::reloading() {
  notify(reloading_message(monotonic_now()));
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
  if (!socket_.enabled() || watchdog_interval_.count() == 0) return;
  // Sent from the event loop: if the loop hangs, the pings stop and systemd restarts us.
  notify("WATCHDOG=1");
  watchdog_.expires_after(watchdog_interval_);
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) arm_watchdog();
  });
}

}  // namespace wte::exporter
