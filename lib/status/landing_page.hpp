#pragma once
// The landing page, built for a migration of hundreds of sessions: a summary band, then the
// problems worst first (failed and aborted sessions, stalled sessions, hosts down, sessions
// stuck or unreadable, failed accounts grouped by cause, dangerous items apart from the
// harmless altered ones), then one row per session and the hosts.
//
// The server renders it whole from the /api/v1/sessions document (cockpit_view.hpp), so it
// reads without a script; its script (assets/landing_page.js, embedded with the style) then
// fetches `sessions_api_path?items=0` every `refresh_seconds` and redraws the same parts in
// place, never reloading the page, and adds sorting, filters and expandable rows. Everything
// from a log or a server is escaped here, and inserted as text by the script. The page's
// Content-Security-Policy lets only its own script and style run, and only fetch its origin.
//
// For tests, each number is on an element with data-value (the exact number; "" when
// unknown): the summary's carry data-summary (the field of the document's "summary", e.g.
// "accounts.done", "sessions_by_state.FAILED"). A session row (tr.session) carries data-host
// and data-session, and its cells, by class: c-state (the state), c-acc (data-done and
// data-total: accounts.done and .total), c-failed, c-dang, c-rem (accounts.failed,
// .with_dangerous_items, .remaining), c-bytes (the TRANSFER queue's bytes_finished), c-rate
// (throughput.accounts_per_hour), c-eta (estimated_completion).
#include <cstddef>
#include <string>
#include <string_view>

#include "sources/status_source.hpp"

namespace wte::status {

struct PageContext {
  std::string version;
  double now_unix = 0;                    // the time the page is rendered at (for "12 s ago")
  double stall_threshold_seconds = 1800;  // the config's stall_threshold
  int refresh_seconds = 5;                // how often the script fetches the document again
  std::string metrics_path = "/metrics";
  std::string sessions_api_path = "/api/v1/sessions";
  // What the server renders; the script shows the same limits, with "show all" buttons,
  // and every session row (the first screen stays small at any size).
  std::size_t max_problems = 10;  // per kind of problem
  std::size_t max_causes = 10;
  std::size_t max_accounts_per_cause = 8;
  std::size_t max_dangerous = 10;
  std::size_t max_session_rows = 25;
  std::size_t max_host_rows = 25;
};

// The page of what `source` holds now.
std::string render_landing_page(const sources::StatusSource& source, const PageContext& context);

// The page of a /api/v1/sessions document (without items is enough). A document that cannot
// be read gives a page that says so.
std::string render_landing_page(std::string_view sessions_document, const PageContext& context);

}  // namespace wte::status
