#include "remote/log_access.hpp"

namespace wte::remote {

std::string_view to_string(LogAccess access) noexcept {
  switch (access) {
    case LogAccess::unknown:
      return "unknown";
    case LogAccess::active_log:
      return "active_log";
    case LogAccess::master_log_at_once:
      return "master_log_at_once";
    case LogAccess::waits_for_end:
      return "waits_for_end";
  }
  return "unknown";
}

std::string_view describe(LogAccess access) noexcept {
  switch (access) {
    case LogAccess::unknown:
      return "not known yet";
    case LogAccess::active_log:
      return "reads the active log at once";
    case LogAccess::master_log_at_once:
      return "the server answers master.log at once (older server)";
    case LogAccess::waits_for_end:
      return "waits for the end: the log is available when each session ends";
  }
  return "not known yet";
}

void HostLogAccess::wait_answered(std::chrono::milliseconds took, std::chrono::milliseconds timeout,
                                  bool log_ended) noexcept {
  if (access_ == LogAccess::active_log || log_ended) return;
  if (took <= timeout) access_ = LogAccess::master_log_at_once;
}

void HostLogAccess::wait_pending(std::chrono::milliseconds waited,
                                 std::chrono::milliseconds timeout) noexcept {
  if (waited > timeout && access_ != LogAccess::active_log) access_ = LogAccess::waits_for_end;
}

LogRequest next_log_request(bool state_is_final, LogAccess host_access,
                            bool wait_in_flight) noexcept {
  // Never a second master.log request while one may still be held on the server: it would
  // cost the customer's server one more busy worker (docs/LOG-FORMAT.md, section 2).
  if (wait_in_flight) return LogRequest::none;
  if (state_is_final) return LogRequest::final_log;
  switch (host_access) {
    case LogAccess::unknown:
    case LogAccess::active_log:
      return LogRequest::active_log;
    case LogAccess::master_log_at_once:
    case LogAccess::waits_for_end:
      return LogRequest::wait_for_end;
  }
  return LogRequest::active_log;
}

}  // namespace wte::remote
