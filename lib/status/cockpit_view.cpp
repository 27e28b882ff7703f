#include "status/cockpit_view.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_set>

#include "status/page_format.hpp"

namespace wte::status {
namespace {

using Json = rapidjson::Value;

// Readers that take a missing field, or one of another type, as unknown: the document may
// come from an exporter without the newer fields.
const Json* member(const Json& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string str(const Json& object, const char* name) {
  const Json* v = member(object, name);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

std::optional<std::string> opt_str(const Json& object, const char* name) {
  const Json* v = member(object, name);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<double> opt_double(const Json& object, const char* name) {
  const Json* v = member(object, name);
  if (!v || !v->IsNumber() || !std::isfinite(v->GetDouble())) return std::nullopt;
  return v->GetDouble();
}

std::optional<std::int64_t> int_value(const Json* v) {
  if (!v || !v->IsNumber()) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  const double d = v->GetDouble();
  if (!std::isfinite(d) || std::fabs(d) > 9.0e18) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(d));
}

std::optional<std::int64_t> opt_int(const Json& object, const char* name) {
  return int_value(member(object, name));
}

std::int64_t int_or_0(const Json& object, const char* name) {
  return opt_int(object, name).value_or(0);
}

bool flag(const Json& object, const char* name) {
  const Json* v = member(object, name);
  return v && v->IsBool() && v->GetBool();
}

// The elements of an array member; none when it is missing or not an array.
template <typename Fn>
void for_each_in(const Json& object, const char* name, Fn fn) {
  const Json* v = member(object, name);
  if (!v || !v->IsArray()) return;
  for (const Json& e : v->GetArray()) fn(e);
}

AccountCounts read_accounts(const Json* v) {
  AccountCounts a;
  if (!v) return a;
  a.total = opt_int(*v, "total");
  a.done = opt_int(*v, "done");
  a.failed = opt_int(*v, "failed");
  a.with_dangerous_items = opt_int(*v, "with_dangerous_items");
  a.remaining = opt_int(*v, "remaining");
  return a;
}

std::vector<QueueRow> read_queues(const Json& summary) {
  std::vector<QueueRow> out;
  const Json* queues = member(summary, "queues");
  if (!queues || !queues->IsObject()) return out;
  for (const auto& m : queues->GetObject()) {
    QueueRow q;
    q.name.assign(m.name.GetString(), m.name.GetStringLength());
    q.items_total = opt_int(m.value, "items_total");
    q.bytes_total = opt_int(m.value, "bytes_total");
    q.items_finished = int_or_0(m.value, "items_finished");
    q.items_failed = int_or_0(m.value, "items_failed");
    q.dangerous_items = int_or_0(m.value, "dangerous_items");
    q.altered_items = int_or_0(m.value, "altered_items");
    q.bytes_finished = int_or_0(m.value, "bytes_finished");
    out.push_back(std::move(q));
  }
  return out;
}

SessionRow read_session(const Json& s) {
  SessionRow r;
  r.host = str(s, "host");
  r.id = str(s, "session_id");
  r.state = opt_str(s, "state");
  r.unknown_reason = str(s, "state_unknown_reason");
  r.waiting_for_end = flag(s, "waiting_for_end");
  r.finished = flag(s, "finished");
  r.last_error = str(s, "last_error");
  if (const Json* summary = member(s, "summary")) {
    if (const Json* info = member(*summary, "session")) r.started_at = opt_int(*info, "started_at");
    r.queues = read_queues(*summary);
  }
  r.accounts = read_accounts(member(s, "accounts"));
  if (const Json* t = member(s, "throughput"))
    r.accounts_per_hour = opt_double(*t, "accounts_per_hour");
  r.estimated_completion = opt_double(s, "estimated_completion");
  r.stalled_seconds = opt_double(s, "stalled_seconds");
  for_each_in(s, "failed_accounts", [&](const Json& a) {
    FailedAccount f{str(a, "account"), str(a, "queue"), str(a, "failure"), str(a, "cause")};
    if (f.cause.empty()) f.cause = f.failure;
    r.failed_accounts.push_back(std::move(f));
  });
  for_each_in(s, "dangerous_accounts", [&](const Json& a) {
    DangerousAccount d{str(a, "account"), int_or_0(a, "dangerous_items"), {}};
    for_each_in(a, "texts", [&](const Json& t) {
      if (t.IsString()) d.texts.emplace_back(t.GetString(), t.GetStringLength());
    });
    r.dangerous_accounts.push_back(std::move(d));
  });
  return r;
}

HostRow read_host(const Json& h) {
  HostRow r;
  r.name = str(h, "name");
  r.kind = str(h, "kind");
  r.up = flag(h, "up");
  r.last_success = opt_double(h, "last_success");
  r.last_poll = opt_double(h, "last_poll");
  r.last_error_reason = str(h, "last_error_reason");
  r.last_error_message = str(h, "last_error_message");
  r.tls_insecure = flag(h, "tls_insecure");
  r.sessions = int_or_0(h, "sessions");
  r.log_access = str(h, "log_access");
  r.log_access_description = str(h, "log_access_description");
  return r;
}

// The states in the order the summary lists them: the ones needing a look first.
constexpr std::array<std::string_view, 13> kStateOrder = {"FAILED",
                                                          "ABORTED",
                                                          "ABORTING",
                                                          "REACHEDMAXMEM",
                                                          "PAUSING",
                                                          "PAUSED",
                                                          "RUNNING",
                                                          "TRANSFER_INPROGRESS",
                                                          "RESTORE_INPROGRESS",
                                                          "PENDING",
                                                          "TRANSFER_PENDING",
                                                          "RESTORE_PENDING",
                                                          "COMPLETED"};

std::size_t state_rank(std::string_view state) {
  const auto it = std::find(kStateOrder.begin(), kStateOrder.end(), state);
  return static_cast<std::size_t>(it - kStateOrder.begin());  // others after, then "unknown"
}

Summary read_summary(const Json& doc, const std::vector<SessionRow>& sessions, std::size_t hosts) {
  Summary out;
  out.sessions = static_cast<std::int64_t>(sessions.size());
  out.hosts = hosts;
  const Json* s = member(doc, "summary");
  if (!s || !s->IsObject()) return out;
  out.known = true;
  if (const Json* by = member(*s, "sessions_by_state"); by && by->IsObject()) {
    for (const auto& m : by->GetObject()) {
      out.sessions_by_state.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()),
                                         int_value(&m.value).value_or(0));
    }
  }
  std::stable_sort(out.sessions_by_state.begin(), out.sessions_by_state.end(),
                   [](const auto& a, const auto& b) {
                     const std::size_t ra = state_rank(a.first);
                     const std::size_t rb = state_rank(b.first);
                     if (ra != rb) return ra < rb;
                     return natural_less(a.first, b.first);
                   });
  out.accounts = read_accounts(member(*s, "accounts"));
  out.bytes_total = opt_int(*s, "bytes_total");
  out.bytes_done = opt_int(*s, "bytes_done");
  out.accounts_per_hour = opt_double(*s, "accounts_per_hour");
  out.estimated_completion = opt_double(*s, "estimated_completion");
  out.sessions_without_estimate = opt_int(*s, "sessions_without_estimate");
  out.hosts_down = opt_int(*s, "hosts_down");
  return out;
}

bool host_order(const HostRow& a, const HostRow& b) {
  if (a.down() != b.down()) return a.down();
  return natural_less(a.name, b.name);
}

bool session_order(const SessionRow& a, const SessionRow& b) {
  if (a.host_down != b.host_down) return a.host_down;
  if (a.host != b.host) return natural_less(a.host, b.host);
  return natural_less(a.id, b.id);
}

// The problem lists: each session in the first list it belongs to, worst first.
void find_problems(CockpitView& v) {
  for (std::size_t i = 0; i < v.sessions.size(); ++i) {
    const SessionRow& s = v.sessions[i];
    if (s.failed_or_aborted()) {
      v.failed_sessions.push_back(i);
    } else if (s.stalled_seconds) {
      v.stalled_sessions.push_back(i);
    } else if (s.stuck()) {
      v.stuck_sessions.push_back(i);
    } else if (!s.last_error.empty() && !s.host_down) {
      v.unreadable_sessions.push_back(i);
    }
  }
  std::stable_sort(v.stalled_sessions.begin(), v.stalled_sessions.end(),
                   [&](std::size_t a, std::size_t b) {
                     return *v.sessions[a].stalled_seconds > *v.sessions[b].stalled_seconds;
                   });
  for (std::size_t i = 0; i < v.hosts.size(); ++i) {
    if (v.hosts[i].down()) v.down_hosts.push_back(i);
  }
}

// Failed accounts by cause (most accounts first, then the cause's text), the dangerous
// accounts, and the count of harmless altered items.
void group_accounts(CockpitView& v) {
  std::map<std::string_view, std::size_t> index;  // cause -> position in v.causes
  for (std::size_t i = 0; i < v.sessions.size(); ++i) {
    const SessionRow& s = v.sessions[i];
    for (std::size_t a = 0; a < s.failed_accounts.size(); ++a) {
      const std::string& cause = s.failed_accounts[a].cause;
      auto [it, added] = index.emplace(cause, v.causes.size());
      if (added) v.causes.push_back({cause, {}});
      v.causes[it->second].accounts.push_back({i, a});
    }
    for (std::size_t a = 0; a < s.dangerous_accounts.size(); ++a) v.dangerous.push_back({i, a});
    std::int64_t altered = 0;
    for (const QueueRow& q : s.queues) altered += q.altered_items;
    v.altered_items += altered;
    if (altered > 0) ++v.sessions_with_altered_items;
  }
  std::stable_sort(v.causes.begin(), v.causes.end(), [](const CauseGroup& a, const CauseGroup& b) {
    if (a.accounts.size() != b.accounts.size()) return a.accounts.size() > b.accounts.size();
    return a.cause < b.cause;
  });
}

}  // namespace

const QueueRow* SessionRow::transfer() const noexcept {
  for (const QueueRow& q : queues) {
    if (q.name == "TRANSFER") return &q;
  }
  return nullptr;
}

bool SessionRow::failed_or_aborted() const noexcept {
  return state == "FAILED" || state == "ABORTED";
}

bool SessionRow::stuck() const noexcept {
  return state == "REACHEDMAXMEM" || state == "PAUSED" || state == "PAUSING" || state == "ABORTING";
}

Result<CockpitView> read_cockpit_view(std::string_view document) {
  rapidjson::Document doc;
  doc.Parse(document.data(), document.size());
  if (doc.HasParseError()) {
    return Error{std::string("the sessions document is not JSON: ") +
                 rapidjson::GetParseError_En(doc.GetParseError()) + " at byte " +
                 std::to_string(doc.GetErrorOffset())};
  }
  if (!doc.IsObject()) return Error{"the sessions document is not a JSON object"};
  CockpitView v;
  for_each_in(doc, "hosts", [&](const Json& h) { v.hosts.push_back(read_host(h)); });
  std::unordered_set<std::string_view> down;
  for (const HostRow& h : v.hosts) {
    if (h.down()) down.insert(h.name);
  }
  for_each_in(doc, "sessions", [&](const Json& s) {
    v.sessions.push_back(read_session(s));
    v.sessions.back().host_down = down.contains(v.sessions.back().host);
  });
  std::stable_sort(v.hosts.begin(), v.hosts.end(), host_order);
  std::stable_sort(v.sessions.begin(), v.sessions.end(), session_order);
  v.summary = read_summary(doc, v.sessions, v.hosts.size());
  find_problems(v);
  group_accounts(v);
  return v;
}

}  // namespace wte::status
