#include "log/session_model.hpp"

#include "log/log_actions.hpp"
#include "text/fnv1a.hpp"
#include "text/utf8.hpp"

namespace wte::log {

std::string_view to_string(ItemStatus s) noexcept {
  switch (s) {
    case ItemStatus::started:
      return "started";
    case ItemStatus::succeeded:
      return "succeeded";
    case ItemStatus::failed:
      return "failed";
  }
  return "started";
}

std::optional<double> QueueCounts::progress() const noexcept {
  if (!items_total || *items_total == 0) return std::nullopt;
  return static_cast<double>(items_finished) / static_cast<double>(*items_total);
}

std::optional<std::int64_t> ItemTiming::duration() const noexcept {
  if (!started_at || !result_at || *result_at < *started_at) return std::nullopt;
  return *result_at - *started_at;
}

bool is_account_type(std::string_view item_type) noexcept {
  return item_type.empty() || item_type.starts_with("Account");
}

namespace {

// What a finished item adds to its queue's sums; `sign` -1 takes it back out, so that a
// later result line replaces an earlier one instead of counting twice.
void contribute(QueueCounts& q, const ItemRecord& item, std::int64_t sign) noexcept {
  if (!item.finished()) return;
  q.items_finished += sign;
  if (item.status == ItemStatus::succeeded) {
    q.items_succeeded += sign;
    if (item.had_warnings) q.items_with_warnings += sign;
  } else {
    q.items_failed += sign;
  }
  q.bytes_finished += sign * item.size.value_or(0);
  q.warnings += sign * item.warnings;
  q.dangerous_items += sign * item.dangerous_items;
  q.skipped_items += sign * item.skipped_items;
  q.altered_items += sign * item.altered_items;
}

std::optional<std::string> bounded(std::optional<std::string_view> s, std::size_t max) {
  if (!s) return std::nullopt;
  return text::bounded_utf8(*s, max);
}

void keep_texts(std::vector<std::string>& out, const std::vector<std::string_view>& in,
                const ItemLimits& limits) {
  out.clear();
  for (const auto t : in) {
    if (out.size() == limits.max_texts) break;
    out.push_back(text::bounded_utf8(t, limits.max_text_bytes));
  }
}

}  // namespace

const Queue* SessionModel::queue(std::string_view name) const noexcept {
  for (const auto& q : queues_) {
    if (q.name == name) return &q;
  }
  return nullptr;
}

std::size_t SessionModel::queue_index(std::string_view name) {
  for (std::size_t i = 0; i < queues_.size(); ++i) {
    if (queues_[i].name == name) return i;
  }
  queues_.push_back({text::bounded_utf8(name, 256), {}});
  item_index_.emplace_back();
  recent_.emplace_back();
  return queues_.size() - 1;
}

ItemRecord& SessionModel::item(std::size_t queue, std::string_view name) {
  // Most lines are about an item seen a line or two before: find it by a fingerprint of
  // its name as written (one comparison of strings, on a match), before hashing anything.
  // FNV-1a: a few instructions per byte on names of a few bytes; a collision only costs a
  // string comparison.
  const std::uint64_t fingerprint = text::fnv1a64(name);
  RecentItems& recent = recent_[queue];
  for (const RecentItem& r : recent.items) {
    // (A fresh slot has fingerprint 0 and no name: no name has that pair.)
    if (r.fingerprint == fingerprint && r.name == name) return items_[r.index];
  }
  RecentItem& slot = recent.items[recent.next];
  recent.next = (recent.next + 1) % kRecentItems;
  slot.fingerprint = fingerprint;
  // As written, so that an invalid name is found again without repair; a name over the
  // limit is cut one byte past it (never found here, and never kept whole).
  slot.name.assign(name.substr(0, limits_.max_text_bytes + 1));
  // Names are keys and labels: keep them valid UTF-8 (the common, valid case copies nothing).
  if (!text::is_valid_utf8(name) || name.size() > limits_.max_text_bytes) {
    key_scratch_ = text::bounded_utf8(name, limits_.max_text_bytes);
    name = key_scratch_;
  }
  const auto [it, inserted] = item_index_[queue].try_emplace(std::string(name), items_.size());
  slot.index = it->second;
  if (!inserted) return items_[it->second];
  ItemRecord& rec = items_.emplace_back();
  rec.queue = queues_[queue].name;
  rec.name = std::string(name);
  timings_.emplace_back().account = account_of(queue, name);
  ++queues_[queue].counts.items_started;
  return rec;
}

// The account of a new item of `queue` (the last one in items_): that of the item of the
// same name in another queue, else a new one. No map of its own: a new item is looked up
// in the other queues (one, in practice), not on every line.
std::size_t SessionModel::account_of(std::size_t queue, std::string_view name) {
  const std::size_t item = items_.size() - 1;
  for (std::size_t q = 0; q < item_index_.size(); ++q) {
    if (q == queue) continue;
    const auto it = item_index_[q].find(name);
    if (it == item_index_[q].end()) continue;
    const std::size_t account = timings_[it->second].account;
    accounts_[account].items.push_back(item);
    return account;
  }
  accounts_.emplace_back().items.push_back(item);
  return accounts_.size() - 1;
}

// A line's effective time: its `time`; in a log that has carried times, the last one
// (the exporter's clock would mix two clocks); else the exporter's clock, if given.
void SessionModel::note_time(const LogEvent& e, std::optional<std::int64_t> clock) noexcept {
  if (e.time) {
    if (!info_.started_at) info_.started_at = e.time;
    info_.last_event_at = e.time;
    line_time_ = e.time;
  } else if (info_.last_event_at) {
    line_time_ = info_.last_event_at;
  } else {
    line_time_ = clock;
    if (clock) times_.from_exporter_clock = true;
  }
  if (!line_time_) return;
  if (!times_.first || *line_time_ < *times_.first) times_.first = line_time_;
  if (!times_.last || *line_time_ > *times_.last) times_.last = line_time_;
}

void SessionModel::apply(const LogEvent& e, std::optional<std::int64_t> clock) {
  ++info_.lines;
  note_time(e, clock);
  const LogAction& action = log_action(e.action);
  if (e.queue) {
    apply_queue_action(e, action.queue_effect, queue_index(*e.queue));
  } else {
    apply_session_action(e, action);
  }
}

std::optional<std::string>* SessionModel::session_field(SessionField f) noexcept {
  switch (f) {
    case SessionField::initiator:
      return &info_.initiator;
    case SessionField::version:
      return &info_.version;
    case SessionField::remote_host:
      return &info_.remote_host;
    case SessionField::none:
      break;
  }
  return nullptr;
}

void SessionModel::apply_session_action(const LogEvent& e, const LogAction& action) {
  if (!action.session_state.empty()) {
    info_.state = action.session_state;
    return;
  }
  std::optional<std::string>* field = session_field(action.session_field);
  if (field && e.msg_kind == MsgKind::scalar) {
    *field = text::bounded_utf8(e.msg_scalar, limits_.max_text_bytes);
  }
}

void SessionModel::apply_queue_action(const LogEvent& e, QueueEffect effect, std::size_t q) {
  QueueCounts& counts = queues_[q].counts;
  switch (effect) {
    case QueueEffect::items_total:
    case QueueEffect::bytes_total:
      if (e.msg_kind != MsgKind::scalar) return;
      if (auto n = parse_count(e.msg_scalar)) {
        (effect == QueueEffect::items_total ? counts.items_total : counts.bytes_total) = n;
      }
      return;
    case QueueEffect::child_failure:
      ++counts.child_failures;
      return;
    case QueueEffect::none:
    case QueueEffect::worker_done:
      return;
    case QueueEffect::item_seen:
    case QueueEffect::item_size:
    case QueueEffect::item_succeeded:
    case QueueEffect::item_warned:
    case QueueEffect::item_failed:
      break;  // an effect on one item
  }
  if (!e.item) return;

  ItemRecord& rec = item(q, *e.item);
  contribute(counts, rec, -1);
  if (e.item_type && !e.item_type->empty() && rec.item_type != *e.item_type) {
    rec.item_type = text::bounded_utf8(*e.item_type, 256);
  }
  ItemTiming& timing = timings_[static_cast<std::size_t>(&rec - items_.data())];
  if (!timing.started_at &&
      (effect == QueueEffect::item_seen || effect == QueueEffect::item_size)) {
    timing.started_at = line_time_;
  }
  if (effect == QueueEffect::item_size) {
    // msg is {"size": N} in newer logs and the size as a string in older ones.
    if (e.msg_kind == MsgKind::object && e.counts.size) rec.size = e.counts.size;
    if (e.msg_kind == MsgKind::scalar) {
      if (auto n = parse_count(e.msg_scalar)) rec.size = n;
    }
  } else if (is_item_result(effect)) {
    apply_result(e, rec, effect == QueueEffect::item_failed, effect == QueueEffect::item_warned);
    timing.result_at = line_time_;
    timing.result_line = info_.lines;
  }
  contribute(counts, rec, +1);
}

void SessionModel::apply_result(const LogEvent& e, ItemRecord& rec, bool failed,
                                bool warning_line) const {
  rec.status = failed ? ItemStatus::failed : ItemStatus::succeeded;
  const ResultCounts& c = e.counts;
  if (e.msg_kind == MsgKind::object && c.size) rec.size = c.size;
  rec.warnings = c.warnings.value_or(0);
  rec.dangerous_items = c.dangerous_items.value_or(0);
  rec.skipped_items = c.skipped_items.value_or(0);
  rec.altered_items = c.altered_items.value_or(0);
  rec.had_warnings = (warning_line || rec.warnings > 0 || rec.dangerous_items > 0 ||
                      rec.skipped_items > 0 || rec.altered_items > 0);
  rec.failure.reset();
  if (failed) {
    rec.failure = bounded(e.failure, limits_.max_text_bytes);
    // Some servers may write the failure text as msg itself.
    if (!rec.failure && e.msg_kind == MsgKind::scalar) {
      rec.failure = text::bounded_utf8(e.msg_scalar, limits_.max_text_bytes);
    }
  }
  keep_texts(rec.dangerous_texts, e.dangerous_texts, limits_);
  keep_texts(rec.altered_texts, e.altered_texts, limits_);
}

}  // namespace wte::log
