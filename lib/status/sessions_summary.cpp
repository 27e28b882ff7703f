#include "status/sessions_summary.hpp"

#include <algorithm>

#include "log/session_state.hpp"

namespace wte::status {

void add_session(SessionsSummary& summary, const sources::SessionView& session,
                 const log::SessionOverview& overview, std::optional<double> stalled) {
  const auto state = session.state();
  ++summary.sessions_by_state[std::string(state.value_or("unknown"))];
  const log::AccountCounts& a = overview.accounts;
  summary.accounts_total += a.total.value_or(0);
  summary.accounts_done += a.done;
  summary.accounts_failed += a.failed;
  summary.accounts_with_dangerous_items += a.with_dangerous_items;
  summary.accounts_remaining += a.remaining.value_or(0);
  const log::Queue* transfer = session.model.queue("TRANSFER");
  const log::Queue* restore = session.model.queue("RESTORE");
  if (transfer && transfer->counts.bytes_total) {
    summary.bytes_total += *transfer->counts.bytes_total;
  } else if (restore && restore->counts.bytes_total) {
    summary.bytes_total += *restore->counts.bytes_total;
  }
  if (restore) summary.bytes_done += restore->counts.bytes_finished;
  if (stalled) ++summary.sessions_stalled;

  if (state && log::is_final_state(*state)) return;
  if (const auto rate = overview.throughput.accounts_per_hour) {
    summary.accounts_per_hour = summary.accounts_per_hour.value_or(0) + *rate;
  }
  if (const auto eta = overview.throughput.estimated_completion) {
    summary.estimated_completion = std::max(summary.estimated_completion.value_or(*eta), *eta);
  } else if (a.remaining.value_or(1) > 0) {
    ++summary.sessions_without_estimate;
  }
}

void add_host(SessionsSummary& summary, const sources::HostView& host) {
  if (host.polled && !host.up) ++summary.hosts_down;
}

}  // namespace wte::status
