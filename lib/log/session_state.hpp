#pragma once
// The names of transfer-session states (docs/LOG-FORMAT.md sections 1 and 2). States are
// kept as strings everywhere: a server may send a name we have never seen, and we keep it.
#include <span>
#include <string>
#include <string_view>

namespace wte::log {

namespace state {
inline constexpr std::string_view kPending = "PENDING";
inline constexpr std::string_view kReachedMaxMem = "REACHEDMAXMEM";
inline constexpr std::string_view kRunning = "RUNNING";
inline constexpr std::string_view kPausing = "PAUSING";
inline constexpr std::string_view kAborting = "ABORTING";
inline constexpr std::string_view kPaused = "PAUSED";
inline constexpr std::string_view kCompleted = "COMPLETED";
inline constexpr std::string_view kAborted = "ABORTED";
inline constexpr std::string_view kFailed = "FAILED";
}  // namespace state

// Every state name we know of, stored ones first, then the documented-only ones.
std::span<const std::string_view> known_states() noexcept;

// COMPLETED, ABORTED and FAILED: nothing more will be written.
bool is_final_state(std::string_view name) noexcept;

// `sessions.state` integers of whmxfer.sqlite; unknown integers become "UNKNOWN_<n>".
std::string state_from_db_integer(long long value);

}  // namespace wte::log
