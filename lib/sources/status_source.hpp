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
  bool polled = false;                  // a poll has ended (up means nothing before)
  // Remote: how the host's running logs are read (remote::LogAccess), "" for local.
  std::string_view log_access;
  std::string_view log_access_description;
};

// The session's state: the API's (or whmxfer.sqlite's) when known, else its log's once the
// log has been read; before either, unknown (never PENDING: a session on a host never
// reached is not pending). The one place this rule is written.
inline std::optional<std::string_view> effective_state(std::optional<std::string_view> api_state,
                                                       std::string_view log_state,
                                                       bool log_read) noexcept {
  if (api_state) return api_state;
  if (log_read) return log_state;
  return std::nullopt;
}

struct SessionView {
  SessionView(std::string_view host_, std::string_view id, std::optional<std::string_view> api,
              const log::SessionModel& model_, std::optional<double> last_change, bool finished_,
              std::string_view error)
      : host(host_),
        session_id(id),
        api_state(api),
        model(model_),
        last_change_unix(last_change),
        finished(finished_),
        last_error(error) {}

  std::string_view host;
  std::string_view session_id;
  std::optional<std::string_view> api_state;  // from the API (or whmxfer.sqlite) when known
  const log::SessionModel& model;             // the summary of the log read so far
  std::optional<double> last_change_unix;     // exporter clock: when the log last grew
  bool finished = false;                      // final state, read to its end, no longer polled
  std::string_view last_error;                // why the last read of this session failed, or ""

  bool log_read = false;  // the log was read at least once (even empty)
  // Why the state is unknown, when it is: "not polled yet", or why the last poll failed.
  std::string_view unknown_reason;
  // Remote: a master.log request is held by the server until the session ends (it refuses
  // to send the log being written): the counts arrive then.
  bool waiting_for_end = false;

  std::optional<std::string_view> state() const noexcept {
    return effective_state(api_state, model.info().state, log_read);
  }
};

class StatusSource {
 public:
  virtual ~StatusSource() = default;
  virtual void for_each_host(const std::function<void(const HostView&)>& visit) const = 0;
  virtual void for_each_session(const std::function<void(const SessionView&)>& visit) const = 0;
};

}  // namespace wte::sources
