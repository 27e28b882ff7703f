#pragma once
// `whm_transfer_exporter progress [--json] [--follow] [--items] [--interval MS] FILE|-`:
// summarises one master log for a person (or, with --json, for a program).
#include <iosfwd>
#include <span>
#include <string>

#include "progress/status_printer.hpp"

namespace wte::progress {

struct CommandIo {
  int in_fd;  // `-` is read from it (a file, a pipe, a terminal)
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;  // redraw in place with --follow, colour
  int out_fd = -1;               // `out`'s descriptor: asked for the terminal's size
};

// How `progress` shows itself on io.out: from out_is_terminal and the environment (TERM,
// NO_COLOR).
Display display_of(const CommandIo& io);

// Returns the process exit status (see exit_status(); 2 for usage and I/O errors, and for
// input that is not a master log).
int run_progress_command(std::span<const std::string> args, CommandIo io);

extern const char* const kProgressUsage;

}  // namespace wte::progress
