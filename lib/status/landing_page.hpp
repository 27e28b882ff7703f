#pragma once
// The landing page: one self-contained HTML5 document (inline CSS, no script, no external
// resource) with the hosts, the sessions and their queues, the failed items and the
// dangerous or altered ones.
//
// For browser tests, every number a table shows is on an element carrying data-host,
// data-session, data-queue (queue cells), data-field (the field name of /api/v1/sessions)
// and data-value (the exact number; empty when unknown), e.g.
//   [data-session="ID"][data-queue="RESTORE"][data-field="items_finished"]
#include <cstddef>
#include <string>

#include "sources/status_source.hpp"

namespace wte::status {

struct PageContext {
  std::string version;
  double now_unix = 0;      // the time the page is rendered at (for "12 s ago")
  int refresh_seconds = 5;  // <meta http-equiv="refresh">; 0: none
  std::string metrics_path = "/metrics";
  std::string sessions_api_path = "/api/v1/sessions";
  std::size_t max_items_per_session = 100;  // rows per session in the item tables
};

std::string render_landing_page(const sources::StatusSource& source, const PageContext& context);

}  // namespace wte::status
