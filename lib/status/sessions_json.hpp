#pragma once
// The document of GET /api/v1/sessions:
//   {"sessions":[{"host","session_id","api_state"(string|null),"state","waiting_for_end",
//                 "finished","last_change"(unix|null),"last_error",
//                 "accounts","throughput","estimated_completion","failed_accounts",
//                 "dangerous_accounts","slowest_accounts" (log/overview_json.hpp),
//                 "stalled_seconds"(seconds|null),
//                 "summary":<log::summary_json, without the overview's members; without
//                            "items" when asked (GET /api/v1/sessions?items=0)>,
//                 "account_names":[...]}],
//    "hosts":[{"name","kind","up","last_success"(unix|null),"last_poll"(unix|null),
//              "last_poll_duration_seconds","last_error_reason","last_error_message",
//              "tls_insecure","sessions"}],
//    "summary":{"sessions_by_state":{STATE: n}, "accounts":{"total","done","failed",
//               "with_dangerous_items","remaining"}, "bytes_total","bytes_done",
//               "accounts_per_hour"(|null),"estimated_completion"(unix|null),
//               "sessions_without_estimate","sessions_stalled","hosts_down"}}
// (status/sessions_summary.hpp says what the summary's numbers are.)
#include <string>

#include "sources/status_source.hpp"

namespace wte::status {

struct SessionsJsonContext {
  double now_unix = 0;                    // the clock stalled_seconds is measured against
  double stall_threshold_seconds = 1800;  // the config's stall_threshold
  // Each summary's "items" array. Without it the document is a small fraction of the size
  // (GET /api/v1/sessions?items=0): what the landing page fetches every few seconds.
  bool items = true;
};

std::string sessions_json(const sources::StatusSource& source,
                          const SessionsJsonContext& context = {});

}  // namespace wte::status
