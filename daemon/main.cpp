// whm_transfer_exporter: dispatches to the subcommands. Wiring only; the work is in lib/.
#include <unistd.h>

#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "exporter/build_info.hpp"
#include "exporter/cli_commands.hpp"
#include "exporter/reload_command.hpp"
#include "exporter/remote_progress.hpp"
#include "progress/progress_command.hpp"
#include "serve.hpp"

namespace {

constexpr const char* kUsage =
    "usage: whm_transfer_exporter [COMMAND] [OPTIONS]\n"
    "Exports the progress of cPanel/WHM account-transfer sessions to Prometheus.\n"
    "\n"
    "commands:\n"
    "  serve [--config.file FILE]  run the exporter (the default command)\n"
    "  progress [--json] [--follow] [--items] FILE|-\n"
    "                              summarise one master log in the terminal\n"
    "  progress --url URL [...] SESSION_ID\n"
    "                              the same, read over the WHM API\n"
    "  check-config FILE           validate a config file without starting\n"
    "  sessions add|remove|list    register sessions with a running exporter\n"
    "  healthcheck [--url URL]     exit 0 if a running exporter answers /-/healthy\n"
    "  reload [--pid PID]          reload a running exporter's config and wait for the outcome\n"
    "  --version                   print the version and build details\n"
    "  --help                      print this help\n"
    "\n"
    "Run 'whm_transfer_exporter COMMAND --help' for a command's options.\n";

bool wants_help(std::span<const std::string> args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

// The usage text of a subcommand, or nullptr if there is no such command.
const char* usage_of(const std::string& command) {
  if (command == "serve") return wte::daemon::kServeUsage;
  if (command == "progress") {
    static const std::string both =
        std::string(wte::progress::kProgressUsage) + "\n" + wte::exporter::kRemoteProgressUsage;
    return both.c_str();
  }
  if (command == "check-config") return wte::exporter::kCheckConfigUsage;
  if (command == "sessions") return wte::exporter::kSessionsUsage;
  if (command == "healthcheck") return wte::exporter::kHealthcheckUsage;
  if (command == "reload") return wte::exporter::kReloadUsage;
  return nullptr;
}

int run(const std::string& command, std::span<const std::string> rest) {
  if (command == "serve") return wte::daemon::run_serve(rest, wte::exporter::build_info());
  if (command == "progress") {
    wte::progress::CommandIo io{STDIN_FILENO, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1,
                                STDOUT_FILENO};
    if (wte::exporter::is_remote_progress(rest))
      return wte::exporter::run_remote_progress(rest, io);
    return wte::progress::run_progress_command(rest, io);
  }
  if (command == "check-config") return wte::exporter::run_check_config(rest, std::cout, std::cerr);
  if (command == "sessions") return wte::exporter::run_sessions(rest, std::cout, std::cerr);
  if (command == "reload") return wte::exporter::run_reload(rest, std::cout, std::cerr);
  return wte::exporter::run_healthcheck(rest, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv + 1, argv + argc);
  // With no command, or options only, the command is `serve`.
  const bool implicit_serve =
      args.empty() || (args[0].starts_with("--") && args[0] != "--help" && args[0] != "--version");
  const std::string command = implicit_serve ? "serve" : args[0];
  const std::span<const std::string> rest =
      implicit_serve ? std::span<const std::string>(args) : std::span(args).subspan(1);

  if (command == "--version" || command == "version") {
    std::cout << wte::exporter::version_text(wte::exporter::build_info(), "whm_transfer_exporter");
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  const char* usage = usage_of(command);
  if (usage == nullptr) {
    std::cerr << "whm_transfer_exporter: unknown command \"" << command << "\"\n" << kUsage;
    return 2;
  }
  if (wants_help(rest)) {
    std::cout << usage;
    return 0;
  }
  return run(command, rest);
}
