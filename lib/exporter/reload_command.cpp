#include "exporter/reload_command.hpp"

#include <signal.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <ostream>
#include <thread>

#include "config/config.hpp"
#include "config/duration.hpp"
#include "exporter/reload_status.hpp"

namespace wte::exporter {

const char* const kReloadUsage =
    "usage: whm_transfer_exporter reload [--pid PID] [--state-directory DIR] [--timeout D]\n"
    "  Asks the running exporter to reload its config and waits for the outcome: exit 0 when\n"
    "  the new config is applied, 1 with the exporter's reason when it is refused (the\n"
    "  running config stays) or when it does not answer in time, 2 on a usage error.\n"
    "  --pid               the exporter's process (default $MAINPID, as systemd sets it for\n"
    "                      ExecReload=)\n"
    "  --state-directory   its state_directory (default $STATE_DIRECTORY, else\n"
    "                      /var/lib/whm_transfer_exporter)\n"
    "  --timeout           how long to wait (default 30s)\n";

namespace {

struct Options {
  long pid = 0;
  std::string state_directory;
  std::chrono::milliseconds timeout{30000};
};

std::optional<long> pid_of(std::string_view text) {
  long pid = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid <= 1) return std::nullopt;
  return pid;
}

std::optional<Options> parse(std::span<const std::string> args, std::ostream& err) {
  Options o;
  if (const char* mainpid = std::getenv("MAINPID")) o.pid = pid_of(mainpid).value_or(0);
  const char* dir = std::getenv("STATE_DIRECTORY");
  o.state_directory = dir && *dir ? dir : config::Config{}.state_directory;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    }
    if (!value) {
      err << "whm_transfer_exporter reload: " << name << " needs a value\n" << kReloadUsage;
      return std::nullopt;
    }
    if (name == "--pid") {
      const auto pid = pid_of(*value);
      if (!pid) {
        err << "whm_transfer_exporter reload: --pid needs a process id, got \"" << *value << "\"\n";
        return std::nullopt;
      }
      o.pid = *pid;
    } else if (name == "--state-directory") {
      o.state_directory = *value;
    } else if (name == "--timeout") {
      const auto d = config::parse_duration(*value);
      if (!d || d->count() <= 0) {
        err << "whm_transfer_exporter reload: --timeout needs a duration such as 30s\n";
        return std::nullopt;
      }
      o.timeout = *d;
    } else {
      err << "whm_transfer_exporter reload: unknown argument \"" << name << "\"\n" << kReloadUsage;
      return std::nullopt;
    }
  }
  if (o.pid == 0) {
    err << "whm_transfer_exporter reload: which process? give --pid (or run from systemd's "
           "ExecReload=, which sets $MAINPID)\n";
    return std::nullopt;
  }
  return o;
}

}  // namespace

int run_reload(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  const auto o = parse(args, err);
  if (!o) return 2;
  // The loads the daemon has recorded so far: the reload asked for now is the next one.
  const auto before = read_reload_status(o->state_directory);
  const std::uint64_t seen = before && before->pid == o->pid ? before->loads : 0;
  if (::kill(static_cast<pid_t>(o->pid), SIGHUP) != 0) {
    err << "whm_transfer_exporter reload: cannot signal process " << o->pid << ": "
        << std::strerror(errno) << "\n";
    return 2;
  }
  const auto deadline = std::chrono::steady_clock::now() + o->timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto now = read_reload_status(o->state_directory);
    if (now && now->pid == o->pid && now->loads > seen) {
      if (now->ok) {
        out << "config reloaded\n";
        return 0;
      }
      err << "whm_transfer_exporter reload: the new config is refused; the running config "
             "stays:\n"
          << now->message << "\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  err << "whm_transfer_exporter reload: process " << o->pid << " did not report a reload within "
      << config::format_duration(o->timeout) << " (is it the exporter? is " << o->state_directory
      << " its state_directory?)\n";
  return 1;
}

}  // namespace wte::exporter
