#include "status/stall.hpp"

#include <algorithm>

#include "log/session_state.hpp"

namespace wte::status {

bool is_running_state(std::string_view state) noexcept {
  return state == log::state::kRunning || state == "TRANSFER_INPROGRESS" ||
         state == "RESTORE_INPROGRESS";
}

std::optional<double> stalled_seconds(const sources::SessionView& s, double now_unix,
                                      double threshold_seconds) {
  const auto state = s.state();
  if (!state || !is_running_state(*state) || s.waiting_for_end) return std::nullopt;
  std::optional<double> last = s.last_change_unix;
  if (const auto event = s.model.times().last) {
    last = std::max(last.value_or(static_cast<double>(*event)), static_cast<double>(*event));
  }
  if (!last) return std::nullopt;
  const double idle = now_unix - *last;
  if (idle > threshold_seconds) return idle;
  return std::nullopt;
}

}  // namespace wte::status
