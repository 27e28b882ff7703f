#include "status/sessions_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "log/overview_json.hpp"
#include "log/summary_json.hpp"
#include "status/sessions_summary.hpp"
#include "status/stall.hpp"
#include "text/json_writer.hpp"
#include "text/utf8.hpp"

namespace wte::status {
namespace {

using text::json::int_field;
using text::json::key;
using text::json::opt_number;
using text::json::str;
using text::json::Writer;

// An account is an item whose type names one ("AccountRemoteRoot", "AccountLocal", ...; an
// item of unknown type counts as one), keyed by its name: the names once each, in order of
// first appearance, so a client can find the session holding an account without the items.
void write_account_names(Writer& w, const log::SessionModel& model) {
  key(w, "account_names");
  w.StartArray();
  std::unordered_set<std::string_view> seen;
  for (const log::ItemRecord& item : model.items()) {
    const bool account = item.item_type.empty() || item.item_type.starts_with("Account");
    if (account && seen.insert(item.name).second) str(w, item.name);
  }
  w.EndArray();
}

void write_session(Writer& w, const sources::SessionView& s, const log::SessionOverview& overview,
                   std::optional<double> stalled, bool items) {
  w.StartObject();
  key(w, "host");
  str(w, s.host);
  key(w, "session_id");
  str(w, s.session_id);
  key(w, "api_state");
  if (s.api_state)
    str(w, *s.api_state);
  else
    w.Null();
  key(w, "state");
  if (const auto state = s.state()) {
    str(w, *state);
  } else {
    w.Null();
    key(w, "state_unknown_reason");
    str(w, s.unknown_reason);
  }
  key(w, "waiting_for_end");
  w.Bool(s.waiting_for_end);
  key(w, "finished");
  w.Bool(s.finished);
  opt_number(w, "last_change", s.last_change_unix);
  key(w, "last_error");
  str(w, s.last_error);
  log::write_overview_members(w, overview);
  key(w, "stalled_seconds");
  if (stalled)
    w.Int64(static_cast<std::int64_t>(*stalled));
  else
    w.Null();
  key(w, "summary");
  const std::string summary = log::summary_json(s.model, {.items = items, .overview = false});
  w.RawValue(summary.data(), summary.size(), rapidjson::kObjectType);
  write_account_names(w, s.model);
  w.EndObject();
}

void write_host(Writer& w, const sources::HostView& h) {
  w.StartObject();
  key(w, "name");
  str(w, h.name);
  key(w, "kind");
  str(w, h.kind);
  key(w, "up");
  if (h.polled)
    w.Bool(h.up);
  else
    w.Null();  // not polled yet: unknown
  key(w, "log_access");
  if (h.log_access.empty())
    w.Null();
  else
    str(w, h.log_access);
  key(w, "log_access_description");
  str(w, h.log_access_description);
  opt_number(w, "last_success", h.last_success_unix);
  opt_number(w, "last_poll", h.last_poll_unix);
  opt_number(w, "last_poll_duration_seconds", h.last_poll_duration_seconds);
  key(w, "last_error_reason");
  str(w, h.last_error_reason);
  key(w, "last_error_message");
  str(w, h.last_error_message);
  key(w, "tls_insecure");
  w.Bool(h.tls_insecure);
  key(w, "sessions");
  w.Uint64(h.sessions);
  w.EndObject();
}

void write_summary(Writer& w, const SessionsSummary& s) {
  key(w, "summary");
  w.StartObject();
  key(w, "sessions_by_state");
  w.StartObject();
  for (const auto& [state, n] : s.sessions_by_state) {
    // A state name from a server may be any bytes: repaired like any text.
    std::string name;
    text::append_valid_utf8(name, state);
    key(w, name);
    w.Int64(n);
  }
  w.EndObject();
  key(w, "accounts");
  w.StartObject();
  int_field(w, "total", s.accounts_total);
  int_field(w, "done", s.accounts_done);
  int_field(w, "failed", s.accounts_failed);
  int_field(w, "with_dangerous_items", s.accounts_with_dangerous_items);
  int_field(w, "remaining", s.accounts_remaining);
  w.EndObject();
  int_field(w, "bytes_total", s.bytes_total);
  int_field(w, "bytes_done", s.bytes_done);
  opt_number(w, "accounts_per_hour", s.accounts_per_hour);
  key(w, "estimated_completion");
  if (s.estimated_completion)
    w.Int64(*s.estimated_completion);
  else
    w.Null();
  int_field(w, "sessions_without_estimate", s.sessions_without_estimate);
  int_field(w, "sessions_stalled", s.sessions_stalled);
  int_field(w, "hosts_down", s.hosts_down);
  w.EndObject();
}

}  // namespace

std::string sessions_json(const sources::StatusSource& source, const SessionsJsonContext& context) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  SessionsSummary summary;
  w.StartObject();
  key(w, "sessions");
  w.StartArray();
  source.for_each_session([&](const sources::SessionView& s) {
    log::OverviewOptions options;
    options.state = s.state();
    const log::SessionOverview overview = log::session_overview(s.model, options);
    const auto stalled = stalled_seconds(s, context.now_unix, context.stall_threshold_seconds);
    write_session(w, s, overview, stalled, context.items);
    add_session(summary, s, overview, stalled);
  });
  w.EndArray();
  key(w, "hosts");
  w.StartArray();
  source.for_each_host([&](const sources::HostView& h) {
    write_host(w, h);
    add_host(summary, h);
  });
  w.EndArray();
  write_summary(w, summary);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace wte::status
