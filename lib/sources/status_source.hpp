#pragma once
// What the presentation layers (metrics, landing page, /api) read of the exporter's state:
// a read-only walk over hosts and sessions, taken on the event-loop thread at request time.
// It lives in lib/sources, below lib/metrics and lib/status, which include it; the sources
// never include those (they report through sources::Recorder).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "log/session_model.hpp"

namespace wte::sources {

struct HostView {
  std::string_view name;
  std::string_view kind;  // "remote" (WHM API) or "local" (the WHM server's own disk)
  bool up = false;        // the last poll succeeded
  std::optional<double> last_success_unix;  // end of the last successful poll, Unix seconds
  std::optional<double> last_poll_unix;     // end of the last poll, whatever its result
  double last_poll_duration_seconds = 0;
  std::string_view last_error_reason;   // "" when the last poll succeeded; else timeout, tls, ...
  std::string_view last_error_message;  // a person's explanation; never holds a secret
  bool tls_insecure = false;            // tls_insecure_skip_verify is set
  std::size_t sessions = 0;             // sessions watched on this host
};

// The session's state: the API's (or whmxfer.sqlite's) when known, else its log's
// (docs/LOG-FORMAT.md, "What a summary means"). The one place this rule is written.
inline std::string_view effective_state(std::optional<std::string_view> api_state,
                                        std::string_view log_state) noexcept {
  return api_state.value_or(log_state);
}

struct SessionView {
  std::string_view host;
  std::string_view session_id;
  std::optional<std::string_view> api_state;  // from the API (or whmxfer.sqlite) when known
  const log::SessionModel& model;             // the summary of the log read so far
  std::optional<double> last_change_unix;     // exporter clock: when the log last grew
  bool finished = false;                      // final state, read to its end, no longer polled
  std::string_view last_error;                // why the last read of this session failed, or ""

  std::string_view state() const noexcept { return effective_state(api_state, model.info().state); }
};

class StatusSource {
 public:
  virtual ~StatusSource() = default;
  virtual void for_each_host(const std::function<void(const HostView&)>& visit) const = 0;
  virtual void for_each_session(const std::function<void(const SessionView&)>& visit) const = 0;
};

}  // namespace wte::sources
