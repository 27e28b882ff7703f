#pragma once
// The JSON document of a session summary (`progress --json`, `/api/v1/sessions`), with
// the field names of docs/LOG-FORMAT.md section 4. Unknown values are null.
#include <string>

#include "log/session_model.hpp"
#include "log/session_overview.hpp"

namespace wte::log {

struct SummaryJsonOptions {
  bool items = true;  // include the "items" array
  // Include, after them, the members of the session's overview (overview_json.hpp):
  // "accounts", "throughput", "estimated_completion", "failed_accounts",
  // "dangerous_accounts", "slowest_accounts".
  bool overview = true;
  OverviewOptions overview_options = {};
};

// {"session": {...}, "queues": {"TRANSFER": {...}, "RESTORE": {...}}, "items": [...],
//  "accounts": {...}, ...}
std::string summary_json(const SessionModel& model, SummaryJsonOptions options = {});

}  // namespace wte::log
