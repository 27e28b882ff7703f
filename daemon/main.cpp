// whm_transfer_exporter: dispatches to the subcommands. Wiring only; the work is in lib/.
#include <unistd.h>

#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "progress/progress_command.hpp"

#ifndef WTE_VERSION
#define WTE_VERSION "0.0.0"
#endif

namespace {

constexpr const char* kUsage =
    "usage: whm_transfer_exporter [COMMAND] [OPTIONS]\n"
    "Exports the progress of cPanel/WHM account-transfer sessions to Prometheus.\n"
    "\n"
    "commands:\n"
    "  serve [--config FILE]       run the exporter (the default command)\n"
    "  progress [--json] [--follow] [--items] FILE|-\n"
    "                              summarise one master log in the terminal\n"
    "  --version                   print the version\n"
    "  --help                      print this help\n"
    "\n"
    "Run 'whm_transfer_exporter COMMAND --help' for a command's options.\n";

int progress(std::span<const std::string> args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << wte::progress::kProgressUsage;
      return 0;
    }
  }
  wte::progress::CommandIo io{std::cin, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1};
  return wte::progress::run_progress_command(args, io);
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = args.empty() ? "serve" : args[0];
  const std::span<const std::string> rest =
      args.empty() ? std::span<const std::string>() : std::span(args).subspan(1);
  if (command == "--version" || command == "version") {
    std::cout << "whm_transfer_exporter " << WTE_VERSION << "\n";
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "progress") return progress(rest);
  std::cerr << "whm_transfer_exporter: unknown command \"" << command << "\"\n" << kUsage;
  return 2;
}
