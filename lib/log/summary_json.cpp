#include "log/summary_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <string_view>

#include "log/overview_json.hpp"
#include "text/json_writer.hpp"

namespace wte::log {
namespace {

using text::json::int_field;
using text::json::key;
using text::json::opt_int;
using text::json::opt_str;
using text::json::str;
using text::json::Writer;

void write_session(Writer& w, const SessionInfo& s) {
  w.StartObject();
  key(w, "state");
  str(w, s.state);
  opt_str(w, "initiator", s.initiator);
  opt_str(w, "version", s.version);
  opt_str(w, "remote_host", s.remote_host);
  opt_int(w, "started_at", s.started_at);
  opt_int(w, "last_event_at", s.last_event_at);
  key(w, "lines");
  w.Uint64(s.lines);
  key(w, "malformed_lines");
  w.Uint64(s.malformed_lines);
  key(w, "pending_bytes");
  w.Uint64(s.pending_bytes);
  w.EndObject();
}

void write_queue(Writer& w, const QueueCounts& q) {
  w.StartObject();
  opt_int(w, "items_total", q.items_total);
  opt_int(w, "bytes_total", q.bytes_total);
  int_field(w, "items_started", q.items_started);
  int_field(w, "items_finished", q.items_finished);
  int_field(w, "items_succeeded", q.items_succeeded);
  int_field(w, "items_with_warnings", q.items_with_warnings);
  int_field(w, "items_failed", q.items_failed);
  int_field(w, "bytes_finished", q.bytes_finished);
  int_field(w, "warnings", q.warnings);
  int_field(w, "dangerous_items", q.dangerous_items);
  int_field(w, "skipped_items", q.skipped_items);
  int_field(w, "altered_items", q.altered_items);
  int_field(w, "child_failures", q.child_failures);
  key(w, "progress");
  if (auto p = q.progress())
    w.Double(*p);
  else
    w.Null();
  w.EndObject();
}

void write_texts(Writer& w, std::string_view k, const std::vector<std::string>& texts) {
  key(w, k);
  w.StartArray();
  for (const auto& t : texts) str(w, t);
  w.EndArray();
}

void write_item(Writer& w, const ItemRecord& item) {
  w.StartObject();
  key(w, "queue");
  str(w, item.queue);
  key(w, "item");
  str(w, item.name);
  key(w, "item_type");
  if (item.item_type.empty())
    w.Null();
  else
    str(w, item.item_type);
  key(w, "status");
  str(w, to_string(item.status));
  key(w, "had_warnings");
  w.Bool(item.had_warnings);
  opt_int(w, "size", item.size);
  int_field(w, "warnings", item.warnings);
  int_field(w, "dangerous_items", item.dangerous_items);
  int_field(w, "skipped_items", item.skipped_items);
  int_field(w, "altered_items", item.altered_items);
  opt_str(w, "failure", item.failure);
  write_texts(w, "dangerous_texts", item.dangerous_texts);
  write_texts(w, "altered_texts", item.altered_texts);
  w.EndObject();
}

}  // namespace

std::string summary_json(const SessionModel& model, SummaryJsonOptions options) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  key(w, "session");
  write_session(w, model.info());
  key(w, "queues");
  w.StartObject();
  // TRANSFER and RESTORE are always there, so a consumer never has to test for them.
  for (const std::string_view name : std::array<std::string_view, 2>{"TRANSFER", "RESTORE"}) {
    key(w, name);
    const Queue* q = model.queue(name);
    write_queue(w, q ? q->counts : QueueCounts{});
  }
  for (const auto& q : model.queues()) {
    if (q.name == "TRANSFER" || q.name == "RESTORE") continue;
    key(w, q.name);
    write_queue(w, q.counts);
  }
  w.EndObject();
  if (options.items) {
    key(w, "items");
    w.StartArray();
    for (const auto& item : model.items()) write_item(w, item);
    w.EndArray();
  }
  // New members go last, so that the document up to here stays what it always was.
  if (options.overview)
    write_overview_members(w, session_overview(model, options.overview_options));
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace wte::log
