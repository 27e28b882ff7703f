#pragma once
// The human report of one session (`progress`), rendered from the model. Pure: the
// caller decides where it goes.
#include <cstdint>
#include <optional>
#include <string>

#include "log/session_model.hpp"
#include "log/session_overview.hpp"

namespace wte::progress {

struct ReportOptions {
  bool items = false;   // list every item with its status
  bool details = true;  // failed items and dangerous/altered items with their texts
  std::size_t bar_width = 30;
};

// "[#########-----]" for a ratio in [0, 1]; all '-' when unknown.
std::string progress_bar(std::optional<double> ratio, std::size_t width);
// 1536 -> "1.5 KiB"
std::string format_bytes(std::int64_t bytes);
// Epoch seconds -> "2020-09-01 20:10:42 UTC"; "unknown" when absent.
std::string format_time(std::optional<std::int64_t> epoch_seconds);

// 45 -> "45s", 200 -> "3m 20s", 7500 -> "2h 05m", 97200 -> "1d 03h".
std::string format_duration(std::int64_t seconds);

// "Accounts  3 of 40 done (2 failed, 1 with dangerous items), 37 remaining"; the total and
// what remains may be unknown ("3 done (...), total unknown").
std::string accounts_line(const log::AccountCounts& accounts);
// "Pace      6.0 accounts/h, 1.2 GiB/h over the last 1h 00m; estimated completion
// 2020-09-01 23:10:42 UTC", or why it is unknown (a log without times).
std::string pace_line(const log::SessionOverview& overview, const log::SessionTimes& times);

// One line per queue, as in:
// RESTORE   [#########-----]  27/40 items  68%  12.1 of 18.0 GiB  25 succeeded (4 with warnings), 2
// failed, 3 dangerous items
std::string queue_line(const log::Queue& queue, std::size_t bar_width);

// The whole report: header, the queue lines, the accounts and the pace, then the details;
// with `items`, every item and the slowest accounts.
std::string render_report(const log::SessionModel& model, const ReportOptions& options = {});
// Only the header, queue, accounts and pace lines: what `--follow` redraws.
std::string render_status(const log::SessionModel& model, std::size_t bar_width = 30);

// 0 completed with no failed item; 1 completed with failed items, FAILED or ABORTED;
// 3 still running, pending or paused.
int exit_status(const log::SessionModel& model);
// The same, for the session's `state` when it is known from elsewhere (the API).
int exit_status(std::string_view state, const log::SessionModel& model);

}  // namespace wte::progress
