#include "status/sessions_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "log/summary_json.hpp"
#include "text/utf8.hpp"

namespace wte::status {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Host names, ids and error messages come from the config and from servers: they are made
// valid UTF-8 here, so that the document always is.
void str(Writer& w, std::string_view s) {
  if (text::is_valid_utf8(s)) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return;
  }
  std::string repaired;
  text::append_valid_utf8(repaired, s);
  w.String(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size()));
}

void key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

// A number, or null when unknown (or not finite: JSON has no NaN).
void opt_number(Writer& w, std::string_view k, std::optional<double> v) {
  key(w, k);
  if (v && std::isfinite(*v))
    w.Double(*v);
  else
    w.Null();
}

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

void write_session(Writer& w, const sources::SessionView& s, const SessionsJsonOptions& options) {
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
  key(w, "summary");
  const std::string summary = log::summary_json(s.model, {.items = options.items});
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

}  // namespace

std::string sessions_json(const sources::StatusSource& source, SessionsJsonOptions options) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  key(w, "sessions");
  w.StartArray();
  source.for_each_session([&](const sources::SessionView& s) { write_session(w, s, options); });
  w.EndArray();
  key(w, "hosts");
  w.StartArray();
  source.for_each_host([&](const sources::HostView& h) { write_host(w, h); });
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace wte::status
