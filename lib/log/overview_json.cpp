#include "log/overview_json.hpp"

#include <cmath>
#include <string_view>

#include "text/json_writer.hpp"

namespace wte::log {
namespace {

using text::json::int_field;
using text::json::key;
using text::json::opt_int;
using text::json::opt_number;
using text::json::str;

void write_accounts(JsonWriter& w, const AccountCounts& a) {
  key(w, "accounts");
  w.StartObject();
  opt_int(w, "total", a.total);
  int_field(w, "done", a.done);
  int_field(w, "failed", a.failed);
  int_field(w, "with_dangerous_items", a.with_dangerous_items);
  opt_int(w, "remaining", a.remaining);
  w.EndObject();
}

void write_throughput(JsonWriter& w, const SessionOverview& o) {
  key(w, "throughput");
  w.StartObject();
  opt_number(w, "accounts_per_hour", o.throughput.accounts_per_hour);
  opt_number(w, "bytes_per_hour", o.throughput.bytes_per_hour);
  opt_int(w, "window_seconds", o.throughput.window_seconds);
  key(w, "from_exporter_clock");
  w.Bool(o.from_exporter_clock);
  key(w, "queues");
  w.StartObject();
  for (const QueueOverview& q : o.queues) {
    key(w, q.queue);
    w.StartObject();
    opt_number(w, "accounts_per_hour", q.throughput.accounts_per_hour);
    opt_number(w, "bytes_per_hour", q.throughput.bytes_per_hour);
    opt_int(w, "estimated_completion", q.throughput.estimated_completion);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
}

void write_failed(JsonWriter& w, const std::vector<FailedAccount>& failed) {
  key(w, "failed_accounts");
  w.StartArray();
  for (const FailedAccount& f : failed) {
    w.StartObject();
    key(w, "account");
    str(w, f.account);
    key(w, "queue");
    str(w, f.queue);
    key(w, "failure");
    if (f.failure)
      str(w, *f.failure);
    else
      w.Null();
    key(w, "cause");
    str(w, f.cause);
    w.EndObject();
  }
  w.EndArray();
}

void write_dangerous(JsonWriter& w, const std::vector<DangerousAccount>& dangerous) {
  key(w, "dangerous_accounts");
  w.StartArray();
  for (const DangerousAccount& d : dangerous) {
    w.StartObject();
    key(w, "account");
    str(w, d.account);
    int_field(w, "dangerous_items", d.dangerous_items);
    key(w, "texts");
    w.StartArray();
    if (d.texts) {
      for (const std::string& t : *d.texts) str(w, t);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

void write_slowest(JsonWriter& w, const std::vector<SlowAccount>& slowest) {
  key(w, "slowest_accounts");
  w.StartArray();
  for (const SlowAccount& s : slowest) {
    w.StartObject();
    key(w, "account");
    str(w, s.account);
    key(w, "queue");
    str(w, s.queue);
    int_field(w, "seconds", s.seconds);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

void write_overview_members(JsonWriter& w, const SessionOverview& o) {
  write_accounts(w, o.accounts);
  write_throughput(w, o);
  opt_int(w, "estimated_completion", o.throughput.estimated_completion);
  write_failed(w, o.failed_accounts);
  write_dangerous(w, o.dangerous_accounts);
  write_slowest(w, o.slowest());
}

}  // namespace wte::log
