#pragma once
// What a person running a migration asks of a session (docs/LOG-FORMAT.md section 4,
// "Accounts" and "Time"): accounts done, failed and remaining, how fast they go, when the
// session should end, which accounts took longest. Computed from the model on demand (one
// pass over its items), so the engine pays nothing for it per line. Pure; views point into
// the model and live as long as it does unchanged.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/session_model.hpp"

namespace wte::log {

struct AccountCounts {
  // The TRANSFER queue's items_total, else RESTORE's, else the accounts seen (unknown while
  // none is).
  std::optional<std::int64_t> total;
  std::int64_t done = 0;                  // a result in RESTORE, or failed in any queue
  std::int64_t failed = 0;                // an item (TRANSFER or RESTORE) whose last result failed
  std::int64_t with_dangerous_items = 0;  // dangerous_items > 0 in any queue
  std::optional<std::int64_t> remaining;  // total - done (never below 0); unknown with total
  std::int64_t seen = 0;                  // accounts named in the log
  bool operator==(const AccountCounts&) const = default;
};

// Completions over the recent window: the last `window` seconds of effective time up to
// the session's last effective time, or the whole session when it is shorter. A completion
// counts when its time t is in (last - window_seconds, last].
struct Throughput {
  std::optional<double> accounts_per_hour;  // unknown without a window (no times, or one)
  std::optional<double> bytes_per_hour;
  std::optional<std::int64_t> window_seconds;  // the window used
  // last + remaining / rate, rounded to the second; unknown when the rate is 0 or
  // unknown, when what remains is unknown, and once the session's state is final.
  std::optional<std::int64_t> estimated_completion;
};

struct FailedAccount {
  std::string_view account;
  std::string_view queue;                   // of its first failure (by line)
  std::optional<std::string_view> failure;  // the first failure's text
  std::string cause;                        // failure_cause() of it; "" without a text
};

struct DangerousAccount {
  std::string_view account;
  std::int64_t dangerous_items = 0;  // RESTORE's, else the first queue's that has some
  const std::vector<std::string>* texts = nullptr;  // of the same item
};

struct SlowAccount {
  std::string_view account;
  std::string_view queue;
  std::int64_t seconds = 0;  // from its first start to its last result in that queue
};

struct QueueOverview {
  std::string_view queue;
  // Items of an account type finished in the window; what remains is items_total -
  // items_finished.
  Throughput throughput;
  std::vector<SlowAccount> slowest;  // longest first
};

struct SessionOverview {
  AccountCounts accounts;
  Throughput throughput;                             // accounts done in the window, and their bytes
  bool from_exporter_clock = false;                  // SessionTimes::from_exporter_clock
  std::vector<QueueOverview> queues;                 // as model.queues()
  std::vector<FailedAccount> failed_accounts;        // in order of first appearance
  std::vector<DangerousAccount> dangerous_accounts;  // in order of first appearance
  // The slowest of every queue together, longest first (ties: queue order, then the order
  // of appearance).
  std::vector<SlowAccount> slowest() const;
};

struct OverviewOptions {
  std::int64_t window_seconds = 3600;
  std::size_t slowest_per_queue = 10;
  // The session's state when known from elsewhere (the API); else the log's. A final state
  // has no estimated completion.
  std::optional<std::string_view> state;
};

SessionOverview session_overview(const SessionModel& model, const OverviewOptions& options = {});

}  // namespace wte::log
