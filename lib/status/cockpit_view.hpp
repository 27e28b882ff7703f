#pragma once
// What the landing page shows, read from the /api/v1/sessions document (sessions_json.hpp):
// the summary, the problems worst first, the failed accounts grouped by cause, the dangerous
// items apart from the harmless altered ones, the sessions and the hosts in display order.
// The page's script (landing_page.js) builds the same from the same document on each update,
// so the two must agree; a field the document lacks (an older exporter) stays unknown.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error/result.hpp"

namespace wte::status {

struct AccountCounts {
  std::optional<std::int64_t> total;
  std::optional<std::int64_t> done;
  std::optional<std::int64_t> failed;
  std::optional<std::int64_t> with_dangerous_items;
  std::optional<std::int64_t> remaining;
};

struct QueueRow {
  std::string name;
  std::optional<std::int64_t> items_total;
  std::optional<std::int64_t> bytes_total;
  std::int64_t items_finished = 0;
  std::int64_t items_failed = 0;
  std::int64_t dangerous_items = 0;
  std::int64_t altered_items = 0;
  std::int64_t bytes_finished = 0;
};

struct FailedAccount {
  std::string account;
  std::string queue;
  std::string failure;
  std::string cause;  // the normalised failure text the accounts are grouped by
};

struct DangerousAccount {
  std::string account;
  std::int64_t dangerous_items = 0;
  std::vector<std::string> texts;
};

struct SessionRow {
  std::string host;
  std::string id;
  std::optional<std::string> state;  // nullopt: unknown, for `unknown_reason`
  std::string unknown_reason;
  bool waiting_for_end = false;  // the log arrives when the session ends
  bool finished = false;
  std::string last_error;  // why the last read of the session failed
  std::optional<std::int64_t> started_at;
  std::vector<QueueRow> queues;
  AccountCounts accounts;
  std::optional<double> accounts_per_hour;
  std::optional<double> estimated_completion;  // Unix seconds
  std::optional<double> stalled_seconds;       // set only when stalled
  std::vector<FailedAccount> failed_accounts;
  std::vector<DangerousAccount> dangerous_accounts;
  bool host_down = false;

  // The data the row shows: the TRANSFER queue's, the bytes copied from the source.
  const QueueRow* transfer() const noexcept;
  bool failed_or_aborted() const noexcept;
  bool stuck() const noexcept;  // REACHEDMAXMEM, PAUSED, PAUSING or ABORTING
};

struct HostRow {
  std::string name;
  std::string kind;
  bool up = false;
  std::optional<double> last_success;
  std::optional<double> last_poll;
  std::string last_error_reason;
  std::string last_error_message;
  bool tls_insecure = false;
  std::int64_t sessions = 0;
  std::string log_access;  // remote: how the running logs are read ("" or "unknown": not yet)
  std::string log_access_description;

  // Polled and failing: a host never polled yet ("up": null, no last poll) is not down.
  bool down() const noexcept { return !up && last_poll.has_value(); }
};

struct Summary {
  bool known = false;  // the document has a "summary"
  std::int64_t sessions = 0;
  std::vector<std::pair<std::string, std::int64_t>> sessions_by_state;  // in display order
  AccountCounts accounts;
  std::optional<std::int64_t> bytes_total;
  std::optional<std::int64_t> bytes_done;
  std::optional<double> accounts_per_hour;
  std::optional<double> estimated_completion;
  std::optional<std::int64_t> sessions_without_estimate;  // left out of estimated_completion
  std::optional<std::int64_t> hosts_down;
  std::size_t hosts = 0;
};

// An account of sessions[session].failed_accounts[account] (or dangerous_accounts).
struct AccountRef {
  std::size_t session = 0;
  std::size_t account = 0;
};

struct CauseGroup {
  std::string cause;
  std::vector<AccountRef> accounts;  // in session display order
};

struct CockpitView {
  Summary summary;
  std::vector<SessionRow> sessions;  // down hosts first, then hosts and ids in natural order
  std::vector<HostRow> hosts;        // down first, then in natural order
  // The problems, each an index into `sessions` or `hosts`, in the order the page lists them.
  std::vector<std::size_t> failed_sessions;      // FAILED or ABORTED
  std::vector<std::size_t> stalled_sessions;     // longest stalled first
  std::vector<std::size_t> down_hosts;           // as in `hosts`
  std::vector<std::size_t> stuck_sessions;       // paused or stuck in a state
  std::vector<std::size_t> unreadable_sessions;  // a read error on a host that is up
  std::vector<CauseGroup> causes;                // most accounts first
  std::vector<AccountRef> dangerous;             // into dangerous_accounts
  std::int64_t altered_items = 0;                // harmless: renamed databases, users...
  std::size_t sessions_with_altered_items = 0;
};

// The view of `document` (the JSON of sessions_json()), or what is wrong with it.
Result<CockpitView> read_cockpit_view(std::string_view document);

}  // namespace wte::status
