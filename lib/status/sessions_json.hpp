#pragma once
// The document of GET /api/v1/sessions:
//   {"sessions":[{"host","session_id","api_state"(string|null),"state","finished",
//                 "last_change"(unix|null),"last_error","summary":<log::summary_json>}],
//    "hosts":[{"name","kind","up","last_success"(unix|null),"last_poll"(unix|null),
//              "last_poll_duration_seconds","last_error_reason","last_error_message",
//              "tls_insecure","sessions"}]}
#include <string>

#include "sources/status_source.hpp"

namespace wte::status {

std::string sessions_json(const sources::StatusSource& source);

}  // namespace wte::status
