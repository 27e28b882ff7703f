#pragma once
// The vocabulary of the master log: every `contents.action` we know and what a line with it
// does (docs/LOG-FORMAT.md sections 3 and 4). The engine (SessionModel), the log generator
// (tools/loggen) and the simulator (tools/whm-sim) all read this one table, so a new action
// is one row in kLogActions and nothing else.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "log/keyword_table.hpp"
#include "log/session_state.hpp"

namespace wte::log {

// The session fact a line without a queue carries in `msg` (a string or a number).
enum class SessionField : std::uint8_t { none, initiator, version, remote_host };

// What a line with a queue does to that queue and to the item it names.
enum class QueueEffect : std::uint8_t {
  none,            // nothing is counted
  worker_done,     // a worker is done with the queue: counts nothing (whm-sim watches it)
  items_total,     // msg: the number of items in the queue (the last one wins)
  bytes_total,     // msg: their total size in bytes (the last one wins)
  child_failure,   // a worker died; its item may run again
  item_seen,       // the item is known (started) from now on
  item_size,       // item_seen, and msg is its size: {"size": N} or N
  item_succeeded,  // a result: succeeded; with warnings if a count in msg is non-zero
  item_warned,     // a result: succeeded with warnings, whatever the counts say
  item_failed,     // a result: failed; the text is msg.failure (or msg itself)
};

constexpr bool is_item_result(QueueEffect e) noexcept {
  return e == QueueEffect::item_succeeded || e == QueueEffect::item_warned ||
         e == QueueEffect::item_failed;
}

struct LogAction {
  std::string_view name;
  // On a line without a queue (child 0 speaking for the session):
  std::string_view session_state;  // the session's state after the line; empty: unchanged
  SessionField session_field = SessionField::none;
  // On a line with a queue:
  QueueEffect queue_effect = QueueEffect::none;
};

// clang-format off
inline constexpr auto kLogActions = std::to_array<LogAction>({
    // action          state after it      session fact it sets        with a queue
    {"start",          state::kRunning,    SessionField::none,         QueueEffect::item_seen},
    {"resume",         state::kRunning,    SessionField::none,         QueueEffect::none},
    {"pausing",        state::kPausing,    SessionField::none,         QueueEffect::none},
    {"pause",          state::kPaused,     SessionField::none,         QueueEffect::none},
    {"aborting",       state::kAborting,   SessionField::none,         QueueEffect::none},
    {"abort",          state::kAborted,    SessionField::none,         QueueEffect::none},
    {"fail",           state::kFailed,     SessionField::none,         QueueEffect::none},
    {"complete",       state::kCompleted,  SessionField::none,         QueueEffect::worker_done},
    {"initiator",      {},                 SessionField::initiator,    QueueEffect::none},
    {"version",        {},                 SessionField::version,      QueueEffect::none},
    {"remotehost",     {},                 SessionField::remote_host,  QueueEffect::none},
    {"queue_count",    {},                 SessionField::none,         QueueEffect::items_total},
    {"queue_size",     {},                 SessionField::none,         QueueEffect::bytes_total},
    {"child-failed",   {},                 SessionField::none,         QueueEffect::child_failure},
    {"process-item",   {},                 SessionField::none,         QueueEffect::item_seen},
    {"start-item",     {},                 SessionField::none,         QueueEffect::item_size},
    {"success-item",   {},                 SessionField::none,         QueueEffect::item_succeeded},
    {"warning-item",   {},                 SessionField::none,         QueueEffect::item_warned},
    {"failed-item",    {},                 SessionField::none,         QueueEffect::item_failed},
});
// clang-format on

namespace detail {

// Row 0 is an action we do not know: it does nothing. A lookup that misses lands there
// without a branch.
inline constexpr auto kActionRows = [] {
  std::array<LogAction, kLogActions.size() + 1> rows{};
  for (std::size_t i = 0; i < kLogActions.size(); ++i) rows[i + 1] = kLogActions[i];
  return rows;
}();

using ActionIndex = KeywordTable<std::uint8_t, kLogActions.size()>;
static_assert(kLogActions.size() < 255, "row numbers are bytes");

inline constexpr ActionIndex kActionIndex = []() consteval {
  std::array<ActionIndex::Entry, kLogActions.size()> entries{};
  for (std::size_t i = 0; i < kLogActions.size(); ++i) {
    entries[i] = {kLogActions[i].name, static_cast<std::uint8_t>(i + 1)};
  }
  return ActionIndex(entries);
}
();

}  // namespace detail

// The row of `name`; for an action not in the table, a row with an empty name that does
// nothing (such lines are well-formed and counted, and change nothing else).
inline const LogAction& log_action(std::string_view name) noexcept {
  return detail::kActionRows[detail::kActionIndex.find(name, 0)];
}

// The session's state after a child-0 line (one without a queue) with this action, when it
// is the last such line; nullopt for actions that do not change it.
inline std::optional<std::string_view> state_after_action(std::string_view action) noexcept {
  const std::string_view s = log_action(action).session_state;
  return s.empty() ? std::nullopt : std::optional(s);
}

}  // namespace wte::log
