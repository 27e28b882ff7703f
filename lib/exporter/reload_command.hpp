#pragma once
// `whm_transfer_exporter reload [--pid PID] [--state-directory DIR] [--timeout D]`: asks a
// running daemon to reload its config (SIGHUP) and waits for the outcome, so that
// `systemctl reload` (ExecReload=) succeeds only when the new config was applied, and fails
// with the daemon's reason otherwise. Needs no shell and no /bin/kill.
#include <iosfwd>
#include <span>
#include <string>

namespace wte::exporter {

extern const char* const kReloadUsage;

// 0 reloaded; 1 the daemon refused the new config (its reason on `err`), or did not answer
// in time; 2 usage, no such process, or no permission.
int run_reload(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace wte::exporter
