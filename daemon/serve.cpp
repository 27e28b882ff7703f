// Wiring of `serve`: command line -> config -> Exporter on one io_context, with signals
// and systemd notifications. The work is in lib/exporter.
#include "serve.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>

#include "config/duration.hpp"
#include "config/loader.hpp"
#include "exporter/exporter.hpp"
#include "exporter/systemd_notifier.hpp"
#include "logging/logger.hpp"

namespace wte::daemon {

const char* const kServeUsage =
    "usage: whm_transfer_exporter serve [--config FILE] [--listen-address ADDR] [--shard I/N]\n"
    "                                   [--log-level debug|info|warn|error]\n"
    "  --config FILE          the YAML config (see config/whm_transfer_exporter.example.yml);\n"
    "                         without it: local mode on /var/cpanel/transfer_sessions\n"
    "  --listen-address ADDR  overrides listen_address (e.g. 127.0.0.1:9923, :9923)\n"
    "  --shard I/N            poll only the remote hosts of shard I of N (0 <= I < N)\n"
    "  --log-level LEVEL      overrides log_level\n"
    "signals: SIGHUP reloads the config; SIGTERM and SIGINT stop.\n";

namespace {

struct ServeArgs {
  std::optional<std::string> config;
  std::optional<std::string> listen;
  std::optional<config::ShardSpec> shard;
  std::optional<std::string> log_level;
};

std::optional<ServeArgs> parse(std::span<const std::string> args) {
  ServeArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[i + 1];
      if (name == "--config" || name == "--listen-address" || name == "--shard" ||
          name == "--log-level") {
        ++i;
      }
    }
    if (name == "--config")
      a.config = value;
    else if (name == "--listen-address")
      a.listen = value;
    else if (name == "--log-level")
      a.log_level = value;
    else if (name == "--shard") {
      a.shard = config::parse_shard(value);
      if (!a.shard) {
        std::cerr << "whm_transfer_exporter: --shard needs I/N with 0 <= I < N, got \"" << value
                  << "\"\n";
        return std::nullopt;
      }
    } else {
      std::cerr << "whm_transfer_exporter serve: unknown argument \"" << args[i] << "\"\n"
                << kServeUsage;
      return std::nullopt;
    }
    if (value.empty()) {
      std::cerr << "whm_transfer_exporter serve: " << name << " needs a value\n";
      return std::nullopt;
    }
  }
  return a;
}

// The process holds WHM tokens (root credentials) and the API token in memory: a core file
// would put them on disk, readable by whoever reads crash dumps. Not dumpable also keeps
// other processes of the same user from reading our memory through /proc or ptrace.
void forbid_core_dumps() {
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0 || ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    std::cerr << "whm_transfer_exporter: warning: cannot disable core dumps: "
              << std::strerror(errno) << "\n";
  }
}

}  // namespace

int run_serve(std::span<const std::string> args, const char* version) {
  forbid_core_dumps();
  const auto a = parse(args);
  if (!a) return 2;
  logging::Logger logger(std::cerr);

  config::Config cfg;
  if (a->config) {
    const auto loaded = config::load_config_file(*a->config);
    if (!loaded.ok()) {
      for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
      return 2;
    }
    cfg = *loaded.config;
  } else {
    cfg.local.enabled = true;  // zero configuration: the WHM server's own sessions
  }
  if (a->log_level) cfg.log_level = *a->log_level;
  // systemd's StateDirectory= (one per shard instance) wins over the built-in default.
  if (const char* dir = std::getenv("STATE_DIRECTORY");
      dir && *dir && cfg.state_directory == config::Config{}.state_directory) {
    cfg.state_directory = dir;
  }
  logger.set_level(logging::parse_level(cfg.log_level));

  boost::asio::io_context io;
  exporter::ExporterOptions options;
  options.version = version;
  options.revision = WTE_REVISION;
  options.config_path = a->config;
  options.listen_address = a->listen;
  options.shard = a->shard;
  exporter::Exporter exporter(io, logger, options);
  exporter::SystemdNotifier notifier(io);

  // Signals are caught before anyone is told we are ready: a SIGHUP sent the moment systemd
  // sees READY=1 must reload, not kill us with the default action (systemd counts that as a
  // clean exit, so Restart=on-failure would not bring us back). One arriving while we start
  // waits in the signal_set until the loop runs.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  if (const auto error = exporter.start(cfg); !error.empty()) {
    std::cerr << "whm_transfer_exporter: cannot start: " << error << "\n";
    return 2;
  }
  notifier.ready();

  bool stopping = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          notifier.reloading();
          exporter.reload();
          notifier.ready_after_reload();
          signals.async_wait(on_signal);
          return;
        }
        logger.info("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        notifier.stopping();
        exporter.stop();  // closes the listener and cancels every request in flight
        signals.cancel();
        stopping = true;
      };
  signals.async_wait(on_signal);
  while (!stopping && io.run_one() > 0) {
  }
  // Let the cancelled operations finish (they free their connections), but never wait
  // for more than a moment: SIGTERM must exit within 2 s.
  io.restart();
  io.run_for(std::chrono::milliseconds(1000));
  return 0;
}

}  // namespace wte::daemon
