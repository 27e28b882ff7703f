#include "log/session_state.hpp"

#include <array>

namespace wte::log {

namespace {
constexpr std::array<std::string_view, 13> kKnown = {
    state::kPending,     state::kReachedMaxMem, state::kRunning,       state::kPausing,
    state::kAborting,    state::kPaused,        state::kCompleted,     state::kAborted,
    state::kFailed,      "TRANSFER_PENDING",    "TRANSFER_INPROGRESS", "RESTORE_PENDING",
    "RESTORE_INPROGRESS"};
}  // namespace

std::span<const std::string_view> known_states() noexcept {
  return kKnown;
}

bool is_final_state(std::string_view name) noexcept {
  return name == state::kCompleted || name == state::kAborted || name == state::kFailed;
}

std::string state_from_db_integer(long long value) {
  switch (value) {
    case 0:
      return std::string(state::kPending);
    case 10:
      return std::string(state::kReachedMaxMem);
    case 20:
      return std::string(state::kRunning);
    case 50:
      return std::string(state::kPausing);
    case 60:
      return std::string(state::kAborting);
    case 70:
      return std::string(state::kPaused);
    case 100:
      return std::string(state::kCompleted);
    case 150:
      return std::string(state::kAborted);
    case 200:
      return std::string(state::kFailed);
    default:
      return "UNKNOWN_" + std::to_string(value);
  }
}

}  // namespace wte::log
