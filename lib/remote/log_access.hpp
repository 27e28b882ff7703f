#pragma once
// How a running session's log can be read on one WHM server, learned from its answers
// (docs/LOG-FORMAT.md, section 2). Current servers hold `logfile=master.log` until the
// session ends, occupying a worker that never notices a client giving up; they answer
// `logfile=.master.log` at once with the log so far. Older servers answer master.log at once.
// A server that refuses the dotted name leaves only master.log, which then waits for the end.
// Pure: time is passed in.
#include <chrono>
#include <optional>
#include <string_view>

namespace wte::remote {

enum class LogAccess {
  unknown,             // nothing learned yet
  active_log,          // `.master.log` answers at once while a session runs
  master_log_at_once,  // `master.log` answers at once while a session runs (older servers)
  waits_for_end,       // only `master.log`, and it answers when the session ends
};

// Label values ("unknown", "active_log", "master_log_at_once", "waits_for_end").
std::string_view to_string(LogAccess access) noexcept;
// For people: "reads the active log at once", ...
std::string_view describe(LogAccess access) noexcept;

// What to ask for next about one session's log.
enum class LogRequest {
  none,          // nothing: a master.log request is already waiting on the server
  active_log,    // logfile=.master.log, with the normal deadline
  final_log,     // logfile=master.log for a session that has ended, with the normal deadline
  wait_for_end,  // logfile=master.log for a running session, with the long deadline
};

// One host's learned access. A reload starts it over.
class HostLogAccess {
 public:
  LogAccess access() const noexcept { return access_; }
  // `.master.log` answered. (When it is refused, the session may just have ended: that
  // alone says nothing of the host, the master.log request that follows does.)
  void active_log_answered() noexcept { access_ = LogAccess::active_log; }
  // A master.log request sent while the session was running answered after `took`, with a
  // log that shows the session ended (`log_ended`) or not; `timeout` is the host's normal
  // deadline. At once with a log still running: an older server.
  void wait_answered(std::chrono::milliseconds took, std::chrono::milliseconds timeout,
                     bool log_ended) noexcept;
  // A master.log request sent while the session was running has been waiting for `waited`:
  // past the normal deadline, the server is holding it until the end.
  void wait_pending(std::chrono::milliseconds waited, std::chrono::milliseconds timeout) noexcept;

 private:
  LogAccess access_ = LogAccess::unknown;
};

// What one session asks for next, given its API state (final or not), the host's access,
// and whether a master.log request for it may still be waiting on the server.
LogRequest next_log_request(bool state_is_final, LogAccess host_access,
                            bool wait_in_flight) noexcept;

}  // namespace wte::remote
