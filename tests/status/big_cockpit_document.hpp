#pragma once
// A /api/v1/sessions document (without items) of a big migration, with every field of the
// cockpit contract: `hosts` hosts of `sessions_per_host` sessions of `accounts` accounts each.
// About 5% of the accounts fail (six causes), 2% have dangerous items; a few sessions are
// FAILED, ABORTED, stalled or PAUSED, and host 0 is down. Deterministic. Shared by the page's
// tests (its size) and bench/landing_page_bench.cpp (its render time).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wte::test {

struct BigCockpit {
  std::size_t hosts = 25;
  std::size_t sessions_per_host = 20;
  std::size_t accounts = 40;  // per session
  double now = 1700000000;
};

namespace big_cockpit_detail {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void kv(Writer& w, const char* k, std::int64_t v) {
  w.Key(k);
  w.Int64(v);
}

inline void kv(Writer& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

inline constexpr std::array<std::string_view, 6> kCauses = {
    "rsync: connection reset by <ip>",
    "Disk quota exceeded (<n> MB)",
    "The system failed to restore the database <name>: Access denied for user <name>",
    "pkgacct failed: timed out after <n> seconds",
    "A user named <name> already exists on this server.",
    "The account could not be created: the IP address <ip> is not available"};

// prefix + n (appended: GCC 12 warns about "literal" + std::string at -O3).
inline std::string numbered(const char* prefix, std::size_t n, const char* suffix = "") {
  std::string out(prefix);
  out += std::to_string(n);
  out += suffix;
  return out;
}

inline std::string account_name(std::size_t session, std::size_t a) {
  return numbered("u", session) + numbered("x", a, "acct");
}

inline void queue(Writer& w, const char* name, std::int64_t total, std::int64_t done,
                  std::int64_t failed, std::int64_t bytes_total, std::int64_t altered) {
  w.Key(name);
  w.StartObject();
  kv(w, "items_total", total);
  kv(w, "bytes_total", bytes_total);
  kv(w, "items_started", done);
  kv(w, "items_finished", done);
  kv(w, "items_succeeded", done - failed);
  kv(w, "items_with_warnings", 0);
  kv(w, "items_failed", failed);
  kv(w, "bytes_finished", total ? bytes_total * done / total : 0);
  kv(w, "warnings", 0);
  kv(w, "dangerous_items", 0);
  kv(w, "skipped_items", 0);
  kv(w, "altered_items", altered);
  kv(w, "child_failures", 0);
  w.EndObject();
}

inline void session(Writer& w, const BigCockpit& spec, std::size_t h, std::size_t k) {
  const std::size_t g = h * spec.sessions_per_host + k;
  const auto total = static_cast<std::int64_t>(spec.accounts);
  const std::string state = g == 23      ? "FAILED"
                            : g == 27    ? "ABORTED"
                            : g == 31    ? "PAUSED"
                            : g % 3 == 0 ? "COMPLETED"
                                         : "RUNNING";
  const std::int64_t done =
      state == "COMPLETED" ? total : total * static_cast<std::int64_t>(g % 10) / 10;
  w.StartObject();
  kv(w, "host", numbered("sim", h));
  kv(w, "session_id", numbered("old", h, "copyacct20231114") + std::to_string(100000 + g));
  const bool down = h == 0;
  if (down) {
    w.Key("api_state");
    w.Null();
    w.Key("state");
    w.Null();
    kv(w, "state_unknown_reason", "connect: connection refused");
  } else {
    kv(w, "api_state", state);
    kv(w, "state", state);
  }
  w.Key("waiting_for_end");
  w.Bool(false);
  w.Key("finished");
  w.Bool(state == "COMPLETED" || state == "FAILED" || state == "ABORTED");
  w.Key("last_change");
  w.Double(spec.now - 5);
  kv(w, "last_error", down ? "connect: connection refused" : "");
  w.Key("summary");
  w.StartObject();
  w.Key("session");
  w.StartObject();
  kv(w, "state", state);
  kv(w, "initiator", "copyacct");
  kv(w, "remote_host", numbered("old", h, ".example.com"));
  kv(w, "started_at", static_cast<std::int64_t>(spec.now) - 36000);
  kv(w, "lines", done * 9);
  w.EndObject();
  w.Key("queues");
  w.StartObject();
  std::int64_t failed = 0;
  for (std::size_t a = 0; a < spec.accounts; ++a) failed += (g * 131 + a * 17) % 20 == 0;
  queue(w, "TRANSFER", total, done, failed, total * 3 << 30, 0);
  queue(w, "RESTORE", total, done, 0, total * 3 << 30, done / 4);
  w.EndObject();
  w.EndObject();
  w.Key("account_names");
  w.StartArray();
  for (std::size_t a = 0; a < spec.accounts; ++a) {
    const std::string name = account_name(g, a);
    w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  }
  w.EndArray();
  w.Key("accounts");
  w.StartObject();
  kv(w, "total", total);
  kv(w, "done", done);
  kv(w, "failed", failed);
  kv(w, "with_dangerous_items", g % 50 == 1 ? 1 : 0);
  kv(w, "remaining", total - done);
  w.EndObject();
  w.Key("throughput");
  w.StartObject();
  w.Key("accounts_per_hour");
  w.Double(4.5 + static_cast<double>(g % 7));
  w.Key("bytes_per_hour");
  w.Double(1.5e10);
  kv(w, "window_seconds", 3600);
  w.Key("from_exporter_clock");
  w.Bool(false);
  w.EndObject();
  w.Key("estimated_completion");
  if (done < total)
    w.Double(spec.now + 3600.0 * static_cast<double>(total - done) / 4.5);
  else
    w.Null();
  w.Key("failed_accounts");
  w.StartArray();
  for (std::size_t a = 0; a < spec.accounts; ++a) {
    if ((g * 131 + a * 17) % 20 != 0) continue;
    const std::string_view cause = kCauses[(g + a / 7) % kCauses.size()];
    w.StartObject();
    kv(w, "account", account_name(g, a));
    kv(w, "queue", "TRANSFER");
    kv(w, "failure", std::string(cause) + numbered(" (seen on ", a, ")"));
    kv(w, "cause", std::string(cause));
    w.EndObject();
  }
  w.EndArray();
  w.Key("dangerous_accounts");
  w.StartArray();
  if (g % 50 == 1) {
    w.StartObject();
    kv(w, "account", account_name(g, 1));
    kv(w, "dangerous_items", 2);
    w.Key("texts");
    w.StartArray();
    w.String("These databases don't exist in the archive.");
    w.String("The mail forwarder <name> points to a deleted user.");
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("slowest_accounts");
  w.StartArray();
  w.StartObject();
  kv(w, "account", account_name(g, 0));
  kv(w, "queue", "RESTORE");
  kv(w, "seconds", 5400);
  w.EndObject();
  w.EndArray();
  w.Key("stalled_seconds");
  if (g == 43)  // a RUNNING one
    w.Double(1020);
  else
    w.Null();
  w.EndObject();
}

}  // namespace big_cockpit_detail

inline std::string big_cockpit_document(const BigCockpit& spec = {}) {
  using namespace big_cockpit_detail;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("sessions");
  w.StartArray();
  for (std::size_t h = 0; h < spec.hosts; ++h) {
    for (std::size_t k = 0; k < spec.sessions_per_host; ++k) session(w, spec, h, k);
  }
  w.EndArray();
  w.Key("hosts");
  w.StartArray();
  for (std::size_t h = 0; h < spec.hosts; ++h) {
    w.StartObject();
    kv(w, "name", numbered("sim", h));
    kv(w, "kind", "remote");
    w.Key("up");
    w.Bool(h != 0);
    w.Key("last_success");
    if (h != 0)
      w.Double(spec.now - 2);
    else
      w.Null();
    w.Key("last_poll");
    w.Double(spec.now - 2);
    kv(w, "last_error_reason", h == 0 ? "connect" : "");
    kv(w, "last_error_message", h == 0 ? "connection refused" : "");
    w.Key("tls_insecure");
    w.Bool(false);
    kv(w, "sessions", static_cast<std::int64_t>(spec.sessions_per_host));
    w.EndObject();
  }
  w.EndArray();
  // The summary: numbers of the right size; the page shows them, it does not check them.
  const auto n = static_cast<std::int64_t>(spec.hosts * spec.sessions_per_host);
  const auto accounts = n * static_cast<std::int64_t>(spec.accounts);
  w.Key("summary");
  w.StartObject();
  w.Key("sessions_by_state");
  w.StartObject();
  kv(w, "RUNNING", n * 2 / 3 - 3);
  kv(w, "COMPLETED", n / 3);
  kv(w, "FAILED", 1);
  kv(w, "ABORTED", 1);
  kv(w, "PAUSED", 1);
  w.EndObject();
  w.Key("accounts");
  w.StartObject();
  kv(w, "total", accounts);
  kv(w, "done", accounts / 2);
  kv(w, "failed", accounts / 20);
  kv(w, "with_dangerous_items", n / 50);
  kv(w, "remaining", accounts / 2);
  w.EndObject();
  kv(w, "bytes_total", accounts * 3 << 30);
  kv(w, "bytes_done", accounts * 3 << 29);
  w.Key("accounts_per_hour");
  w.Double(2925.5);
  w.Key("estimated_completion");
  w.Double(spec.now + 12345);
  kv(w, "hosts_down", 1);
  w.EndObject();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace wte::test
