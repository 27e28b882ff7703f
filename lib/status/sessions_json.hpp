#pragma once
// The document of GET /api/v1/sessions:
//   {"sessions":[{"host","session_id","api_state"(string|null),"state","finished",
//                 "last_change"(unix|null),"last_error","summary":<log::summary_json>,
//                 "account_names":[...]}],
//    "hosts":[{"name","kind","up","last_success"(unix|null),"last_poll"(unix|null),
//              "last_poll_duration_seconds","last_error_reason","last_error_message",
//              "tls_insecure","sessions"}]}
#include <string>

#include "sources/status_source.hpp"

namespace wte::status {

struct SessionsJsonOptions {
  // Each summary's "items" array. Without it the document is a small fraction of the size
  // (GET /api/v1/sessions?items=0): what the landing page fetches every few seconds.
  bool items = true;
};

std::string sessions_json(const sources::StatusSource& source, SessionsJsonOptions options = {});

}  // namespace wte::status
