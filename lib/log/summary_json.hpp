#pragma once
// The JSON document of a session summary (`progress --json`, `/api/v1/sessions`), with
// the field names of docs/LOG-FORMAT.md section 4. Unknown values are null.
#include <string>

#include "log/session_model.hpp"

namespace wte::log {

struct SummaryJsonOptions {
  bool items = true;  // include the "items" array
};

// {"session": {...}, "queues": {"TRANSFER": {...}, "RESTORE": {...}}, "items": [...]}
std::string summary_json(const SessionModel& model, SummaryJsonOptions options = {});

}  // namespace wte::log
