#pragma once
// `whm_transfer_exporter progress [--json] [--follow] [--items] [--interval D] FILE|-`:
// summarises one master log for a person (or, with --json, for a program).
#include <iosfwd>
#include <span>
#include <string>

namespace wte::progress {

struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;  // redraw in place with --follow
};

// Returns the process exit status (see exit_status(); 2 for usage and I/O errors).
int run_progress_command(std::span<const std::string> args, CommandIo io);

extern const char* const kProgressUsage;

}  // namespace wte::progress
