#pragma once
// A stalled session: running, yet its log has not grown and it has written no new event
// for longer than `stall_threshold` (the config key). Shared by /api/v1/sessions and the
// landing page so that both say the same.
#include <optional>
#include <string_view>

#include "sources/status_source.hpp"

namespace wte::status {

// RUNNING, and the documented-only TRANSFER_INPROGRESS and RESTORE_INPROGRESS.
bool is_running_state(std::string_view state) noexcept;

// Seconds from the session's last sign of life to `now_unix`: the later of when the
// exporter last saw its log grow (last_change_unix) and its last effective time (the log's
// last `time`, or the exporter's clock for a log without times). A number only when the
// session is running and that is longer than `threshold_seconds`; nullopt otherwise, and
// when nothing is known, or the server holds the log until the end (waiting_for_end: no
// growth is to be seen).
std::optional<double> stalled_seconds(const sources::SessionView& session, double now_unix,
                                      double threshold_seconds);

}  // namespace wte::status
