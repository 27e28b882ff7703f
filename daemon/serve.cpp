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
#include "exporter/build_info.hpp"
#include "exporter/exporter.hpp"
#include "exporter/systemd_notifier.hpp"
#include "logging/logger.hpp"
#include "sources/clock.hpp"
#include "whm/tls_context.hpp"

namespace wte::daemon {

const char* const kServeUsage =
    "usage: whm_transfer_exporter [serve] [--config.file FILE] [--web.listen-address ADDR]\n"
    "                             [--web.config.file FILE] [--web.enable-lifecycle]\n"
    "                             [--shard I/N]\n"
    "                             [--log.level LEVEL] [--log.format FORMAT]\n"
    "  --config.file FILE         the YAML config (see config/whm_transfer_exporter.example.yml);\n"
    "                             without it: local mode on /var/cpanel/transfer_sessions\n"
    "  --web.listen-address ADDR  overrides listen_address (e.g. 127.0.0.1:9923, :9923)\n"
    "  --web.config.file FILE     overrides web_config_file (TLS and basic auth, in the\n"
    "                             format of Prometheus' exporter-toolkit)\n"
    "  --web.enable-lifecycle     allow POST /-/reload (behind the API token when one is\n"
    "                             configured); SIGHUP always reloads\n"
    "  --shard I/N                poll only the remote hosts of shard I of N (0 <= I < N)\n"
    "  --log.level LEVEL          debug, info, warn or error; overrides log_level, also\n"
    "                             across reloads\n"
    "  --log.format FORMAT        logfmt (the default) or json\n"
    "  The older spellings --config, --listen-address and --log-level are accepted too.\n"
    "  Every option takes its value as --name=VALUE or --name VALUE.\n"
    "signals: SIGHUP reloads the config; SIGTERM and SIGINT stop.\n";

namespace {

struct ServeArgs {
  std::optional<std::string> config;
  std::optional<std::string> listen;
  std::optional<std::string> web_config;
  std::optional<config::ShardSpec> shard;
  std::optional<logging::Level> log_level;
  logging::Format log_format = logging::Format::logfmt;
  bool enable_lifecycle = false;
};

// The canonical name of an option (the Prometheus ecosystem's spelling), or "" if unknown.
std::string_view canonical(std::string_view name) {
  if (name == "--config.file" || name == "--config") return "--config.file";
  if (name == "--web.listen-address" || name == "--listen-address") return "--web.listen-address";
  if (name == "--web.config.file") return "--web.config.file";
  if (name == "--log.level" || name == "--log-level") return "--log.level";
  if (name == "--log.format") return "--log.format";
  if (name == "--shard") return "--shard";
  return {};
}

// Stores one option's value; false (after saying why) when the value is invalid.
bool store(ServeArgs& a, std::string_view option, const std::string& value) {
  if (option == "--config.file") {
    a.config = value;
  } else if (option == "--web.listen-address") {
    a.listen = value;
  } else if (option == "--web.config.file") {
    a.web_config = value;
  } else if (option == "--log.level") {
    a.log_level = logging::level_from_name(value);
    if (!a.log_level) {
      std::cerr << "whm_transfer_exporter: --log.level must be " << logging::kLevelNames
                << ", got \"" << value << "\"\n";
      return false;
    }
  } else if (option == "--log.format") {
    const auto format = logging::format_from_name(value);
    if (!format) {
      std::cerr << "whm_transfer_exporter: --log.format must be " << logging::kFormatNames
                << ", got \"" << value << "\"\n";
      return false;
    }
    a.log_format = *format;
  } else {
    a.shard = config::parse_shard(value);
    if (!a.shard) {
      std::cerr << "whm_transfer_exporter: --shard needs I/N with 0 <= I < N, got \"" << value
                << "\"\n";
      return false;
    }
  }
  return true;
}

std::optional<ServeArgs> parse(std::span<const std::string> args) {
  ServeArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--web.enable-lifecycle") {  // the one switch: it takes no value
      a.enable_lifecycle = true;
      continue;
    }
    const auto eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const std::string_view option = canonical(name);
    if (option.empty()) {
      std::cerr << "whm_transfer_exporter serve: unknown argument \"" << arg << "\"\n"
                << kServeUsage;
      return std::nullopt;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    }
    if (value.empty()) {
      std::cerr << "whm_transfer_exporter serve: " << name << " needs a value\n";
      return std::nullopt;
    }
    if (!store(a, option, value)) return std::nullopt;
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

int run_serve(std::span<const std::string> args, const exporter::BuildInfo& build) {
  forbid_core_dumps();
  const auto a = parse(args);
  if (!a) return 2;
  logging::Logger logger(std::cerr, logging::Level::info, a->log_format);
  if (a->log_level) logger.override_level(*a->log_level);

  config::Config cfg;
  if (a->config) {
    const auto loaded = config::load_config_file(*a->config);
    if (!loaded.ok()) {
      for (const auto& e : loaded.error())
        logger.error("invalid config", {{"error", e.to_string()}});
      return 2;
    }
    cfg = loaded.value();
  } else {
    cfg.local.enabled = true;  // zero configuration: the WHM server's own sessions
  }
  logger.set_level(logging::parse_level(cfg.log_level));  // validated by the loader
  logger.info("starting whm_transfer_exporter",
              {{"version", build.version}, {"revision", build.revision}, {"branch", build.branch}});
  // A static binary has no built-in idea of this host's CA store: say which one it uses.
  const auto trust = whm::system_trust_store();
  logger.log(trust.found() ? logging::Level::info : logging::Level::warn,
             whm::describe_trust_store(trust));

  boost::asio::io_context io;
  exporter::ExporterOptions options;
  options.version = build.version;
  options.revision = build.revision;
  options.config_path = a->config;
  options.listen_address = a->listen;
  options.web_config_file = a->web_config;
  options.enable_lifecycle = a->enable_lifecycle;
  // systemd's StateDirectory= (one per shard instance) wins over the built-in default, at
  // the start and at every reload (where `reload` looks for the outcome).
  if (const char* dir = std::getenv("STATE_DIRECTORY"); dir && *dir) options.state_directory = dir;
  options.shard = a->shard;
  const sources::SystemClock clock;
  exporter::Exporter exporter(io, logger, options, clock);
  exporter::SystemdNotifier notifier(io, logger);

  // Signals are caught before anyone is told we are ready: a SIGHUP sent the moment systemd
  // sees READY=1 must reload, not kill us with the default action (systemd counts that as a
  // clean exit, so Restart=on-failure would not bring us back). One arriving while we start
  // waits in the signal_set until the loop runs.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  if (const auto started = exporter.start(cfg); !started.ok()) {
    logger.error("cannot start", {{"error", started.error().message}});
    return 2;
  }
  notifier.ready();

  bool stopping = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          logger.debug("SIGHUP: reloading the config");
          notifier.reloading();
          (void)exporter.reload();  // a failure is logged and recorded by reload()
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
