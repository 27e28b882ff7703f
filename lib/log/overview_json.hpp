#pragma once
// The JSON members of a SessionOverview, shared by `progress --json` (summary_json) and
// /api/v1/sessions, so both say the same thing with the same names:
//   "accounts": {"total", "done", "failed", "with_dangerous_items", "remaining"},
//   "throughput": {"accounts_per_hour", "bytes_per_hour", "window_seconds",
//                  "from_exporter_clock",
//                  "queues": {"TRANSFER": {"accounts_per_hour", "bytes_per_hour",
//                                          "estimated_completion"}, ...}},
//   "estimated_completion": epoch seconds,
//   "failed_accounts": [{"account", "queue", "failure", "cause"}],
//   "dangerous_accounts": [{"account", "dangerous_items", "texts"}],
//   "slowest_accounts": [{"account", "queue", "seconds"}]
// Unknown values are null.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "log/session_overview.hpp"

namespace wte::log {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes the members above into the object `w` is in.
void write_overview_members(JsonWriter& w, const SessionOverview& overview);

}  // namespace wte::log
