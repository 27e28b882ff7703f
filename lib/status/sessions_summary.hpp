#pragma once
// The summary of every session at once: what the top of the landing page and the
// "summary" of /api/v1/sessions show. Built session by session in the same pass that
// renders them (add_session, add_host), so each session's overview is computed once.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "log/session_overview.hpp"
#include "sources/status_source.hpp"

namespace wte::status {

struct SessionsSummary {
  // Sessions per state (the API's when known, else the log's); "unknown" when neither is.
  std::map<std::string, std::int64_t, std::less<>> sessions_by_state;
  // Sums over the sessions; a session whose total (and so remaining) is unknown adds 0.
  std::int64_t accounts_total = 0;
  std::int64_t accounts_done = 0;
  std::int64_t accounts_failed = 0;
  std::int64_t accounts_with_dangerous_items = 0;
  std::int64_t accounts_remaining = 0;
  std::int64_t bytes_total = 0;  // TRANSFER's queue_size (else RESTORE's) where known
  std::int64_t bytes_done = 0;   // RESTORE's bytes_finished
  // Over the sessions whose state is not final: the sum of the known rates, and the latest
  // known estimated completion; null when none is known.
  std::optional<double> accounts_per_hour;
  std::optional<std::int64_t> estimated_completion;
  // Sessions not final with accounts remaining whose completion cannot be estimated: the
  // estimate above leaves them out.
  std::int64_t sessions_without_estimate = 0;
  std::int64_t sessions_stalled = 0;
  std::int64_t hosts_down = 0;  // polled, and the last poll failed
};

// `overview` is the session's (computed with its state); `stalled`, stalled_seconds().
void add_session(SessionsSummary& summary, const sources::SessionView& session,
                 const log::SessionOverview& overview, std::optional<double> stalled);
void add_host(SessionsSummary& summary, const sources::HostView& host);

}  // namespace wte::status
