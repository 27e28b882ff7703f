#include "metrics/session_collector.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "log/session_overview.hpp"
#include "log/session_state.hpp"
#include "metrics/family_set.hpp"
#include "metrics/label_value.hpp"

namespace wte::metrics {
namespace {

using log::QueueCounts;

std::optional<double> number(std::int64_t v) {
  return static_cast<double>(v);
}
std::optional<double> number(std::optional<std::int64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

// The per-queue gauges, in METRICS.md order; nullopt: unknown, no series.
struct QueueMetric {
  std::string_view name;
  std::string_view help;
  std::optional<double> (*value)(const QueueCounts&);
};

constexpr std::array kQueueMetrics = {
    QueueMetric{"whm_transfer_queue_items", "Items in the queue (last queue_count).",
                [](const QueueCounts& q) { return number(q.items_total); }},
    QueueMetric{"whm_transfer_queue_size_bytes", "Size of the queue (last queue_size).",
                [](const QueueCounts& q) { return number(q.bytes_total); }},
    QueueMetric{"whm_transfer_queue_items_started", "Items known in the queue.",
                [](const QueueCounts& q) { return number(q.items_started); }},
    QueueMetric{"whm_transfer_queue_items_finished", "Items with a result.",
                [](const QueueCounts& q) { return number(q.items_finished); }},
    QueueMetric{"whm_transfer_queue_items_succeeded",
                "Items whose last result is success or warning.",
                [](const QueueCounts& q) { return number(q.items_succeeded); }},
    QueueMetric{"whm_transfer_queue_items_with_warnings", "Succeeded items that had warnings.",
                [](const QueueCounts& q) { return number(q.items_with_warnings); }},
    QueueMetric{"whm_transfer_queue_items_failed", "Items whose last result is failed-item.",
                [](const QueueCounts& q) { return number(q.items_failed); }},
    QueueMetric{"whm_transfer_queue_finished_bytes", "Sum of the sizes of finished items.",
                [](const QueueCounts& q) { return number(q.bytes_finished); }},
    QueueMetric{"whm_transfer_queue_warnings", "Sum of warnings over finished items.",
                [](const QueueCounts& q) { return number(q.warnings); }},
    QueueMetric{"whm_transfer_queue_dangerous_items", "Sum of dangerous_items.",
                [](const QueueCounts& q) { return number(q.dangerous_items); }},
    QueueMetric{"whm_transfer_queue_skipped_items", "Sum of skipped_items.",
                [](const QueueCounts& q) { return number(q.skipped_items); }},
    QueueMetric{"whm_transfer_queue_altered_items", "Sum of altered_items.",
                [](const QueueCounts& q) { return number(q.altered_items); }},
    QueueMetric{"whm_transfer_queue_child_failures", "child-failed lines.",
                [](const QueueCounts& q) { return number(q.child_failures); }},
    QueueMetric{"whm_transfer_queue_progress_ratio", "items_finished / items_total.",
                [](const QueueCounts& q) { return q.progress(); }},
};

// Handles of every family of one scrape, declared in output order.
struct Families {
  FamilySet set;
  std::size_t host_up =
      set.define("whm_transfer_host_up", "1 if the last poll of the host succeeded.");
  std::size_t host_last_success = set.define("whm_transfer_host_last_success_timestamp_seconds",
                                             "End of the last successful poll of the host.");
  std::size_t host_tls_insecure = set.define(
      "whm_transfer_host_tls_insecure", "1 when tls_insecure_skip_verify is set for the host.");
  std::size_t host_sessions =
      set.define("whm_transfer_host_sessions", "Sessions watched on the host.");
  std::size_t host_log_access =
      set.define("whm_transfer_host_log_access",
                 "1 for how the host's running logs are read: active_log (.master.log at once), "
                 "master_log_at_once (older servers), waits_for_end (the log comes when the "
                 "session ends).");
  std::size_t state =
      set.define("whm_transfer_session_state",
                 "1 for the session's state (the API's when known, else the log's), "
                 "0 for every other state cPanel stores.");
  std::size_t log_state =
      set.define("whm_transfer_session_log_state",
                 "1 for the session's state according to its log alone, 0 for every other "
                 "state a log can show.");
  std::size_t info = set.define("whm_transfer_session_info",
                                "Always 1; the session's initiator, version and remote host.");
  std::size_t start = set.define("whm_transfer_session_start_timestamp_seconds",
                                 "First time in the session's log.");
  std::size_t last_event = set.define("whm_transfer_session_last_event_timestamp_seconds",
                                      "Last time in the session's log.");
  std::size_t last_change = set.define("whm_transfer_session_last_change_timestamp_seconds",
                                       "When the exporter last saw the session's log grow.");
  std::size_t log_lines =
      set.define("whm_transfer_session_log_lines", "Well-formed lines of the session's log.");
  std::size_t log_malformed = set.define("whm_transfer_session_log_malformed_lines",
                                         "Malformed lines of the session's log.");
  std::size_t waiting_for_end =
      set.define("whm_transfer_session_log_waiting_for_end",
                 "1 while the server holds the log request until the session ends (it does not "
                 "serve the log being written): the counts arrive then.");
  std::size_t pending_bytes =
      set.define("whm_transfer_session_pending_bytes",
                 "Bytes of an unfinished last line of the session's log (being written).");
  std::size_t accounts = set.define(
      "whm_transfer_session_accounts",
      "Accounts of the session: TRANSFER's queue_count, else RESTORE's, else the accounts seen.");
  std::size_t accounts_done =
      set.define("whm_transfer_session_accounts_done",
                 "Accounts with a result in RESTORE, or failed in either queue.");
  std::size_t accounts_failed = set.define("whm_transfer_session_accounts_failed",
                                           "Accounts whose TRANSFER or RESTORE item failed.");
  std::size_t accounts_dangerous = set.define("whm_transfer_session_accounts_with_dangerous_items",
                                              "Accounts with dangerous items.");
  std::size_t accounts_remaining = set.define("whm_transfer_session_accounts_remaining",
                                              "Accounts not done yet (accounts - done).");
  std::size_t accounts_per_hour =
      set.define("whm_transfer_session_accounts_per_hour",
                 "Accounts done per hour over the last hour of the session's log (or all of it "
                 "if shorter).");
  std::size_t estimated_completion =
      set.define("whm_transfer_session_estimated_completion_timestamp_seconds",
                 "When the remaining accounts would be done at that pace.");
  std::size_t queue_first = define_queue_families();
  std::size_t queue_bytes_per_hour =
      set.define("whm_transfer_queue_bytes_per_hour",
                 "Bytes of the accounts finished in the queue per hour, over the last hour of the "
                 "session's log (or all of it if shorter).");
  std::size_t queue_account_duration = set.define(
      "whm_transfer_queue_account_duration_seconds",
      "Time from an account's first start to its last result in the queue, per finished account.",
      prometheus::MetricType::Histogram);
  std::size_t item_failed = set.define("whm_transfer_item_failed",
                                       "1 for an item whose last result failed; failure holds the "
                                       "first 200 bytes of the text.");
  std::size_t item_dangerous =
      set.define("whm_transfer_item_dangerous_items", "The item's dangerous_items.");
  std::size_t account_failed =
      set.define("whm_transfer_account_failed",
                 "1 for a failed account; queue and failure (the first 200 bytes of the text with "
                 "names and numbers replaced) are those of its first failure.");
  std::size_t account_dangerous = set.define("whm_transfer_account_dangerous_items",
                                             "The account's dangerous_items (RESTORE's).");

 private:
  std::size_t define_queue_families() {
    const std::size_t first = set.define(kQueueMetrics[0].name, kQueueMetrics[0].help);
    for (std::size_t i = 1; i < kQueueMetrics.size(); ++i) {
      set.define(kQueueMetrics[i].name, kQueueMetrics[i].help);
    }
    return first;
  }
};

double flag(bool b) {
  return b ? 1.0 : 0.0;
}

void add_host(Families& f, const sources::HostView& h) {
  const Labels labels{{"host", label_value(h.name)}};
  // Not polled yet: up is not known, so it is not exported (a 0 would fire alerts).
  if (h.polled) f.set.add(f.host_up, labels, flag(h.up));
  if (!h.log_access.empty() && h.log_access != "unknown") {
    f.set.add(f.host_log_access, with(labels, "access", std::string(h.log_access)), 1.0);
  }
  if (h.last_success_unix) f.set.add(f.host_last_success, labels, *h.last_success_unix);
  f.set.add(f.host_tls_insecure, labels, flag(h.tls_insecure));
  f.set.add(f.host_sessions, labels, static_cast<double>(h.sessions));
}

// The states a source can produce, so that no series is always 0 (docs/LOG-FORMAT.md).
// What cPanel stores and the API reports (and whmxfer.sqlite's integers map to):
constexpr std::array<std::string_view, 9> kStoredStates = {
    log::state::kPending,   log::state::kReachedMaxMem, log::state::kRunning,
    log::state::kPausing,   log::state::kAborting,      log::state::kPaused,
    log::state::kCompleted, log::state::kAborted,       log::state::kFailed};
// What a log alone can say (state_after_action, PENDING before any): never REACHEDMAXMEM,
// never the documented-only TRANSFER_*/RESTORE_* names.
constexpr std::array<std::string_view, 8> kLogStates = {
    log::state::kPending, log::state::kRunning,   log::state::kPausing, log::state::kAborting,
    log::state::kPaused,  log::state::kCompleted, log::state::kAborted, log::state::kFailed};

// One series per state of `states`, plus the session's own when it is not among them (a
// documented-only or unknown name a server reported), at 1.
void add_one_hot(Families& f, std::size_t family, const Labels& base, std::string_view state,
                 std::span<const std::string_view> states) {
  bool listed = false;
  for (const std::string_view k : states) {
    const bool is = k == state;
    listed = listed || is;
    f.set.add(family, with(base, "state", std::string(k)), flag(is));
  }
  if (!listed) f.set.add(family, with(base, "state", label_value(state)), 1.0);
}

std::string optional_label(const std::optional<std::string>& v) {
  return v ? label_value(*v) : std::string();
}

void add_session_gauges(Families& f, const Labels& base, const sources::SessionView& s) {
  const log::SessionInfo& info = s.model.info();
  // Unknown (not polled yet, host never reached): no state series at all, rather than a
  // made-up PENDING.
  if (const auto state = s.state()) add_one_hot(f, f.state, base, *state, kStoredStates);
  if (s.log_read) add_one_hot(f, f.log_state, base, info.state, kLogStates);
  Labels info_labels = base;
  info_labels.push_back({"initiator", optional_label(info.initiator)});
  info_labels.push_back({"version", optional_label(info.version)});
  info_labels.push_back({"remote_host", optional_label(info.remote_host)});
  f.set.add(f.info, std::move(info_labels), 1.0);
  if (auto v = number(info.started_at)) f.set.add(f.start, base, *v);
  if (auto v = number(info.last_event_at)) f.set.add(f.last_event, base, *v);
  if (s.last_change_unix) f.set.add(f.last_change, base, *s.last_change_unix);
  f.set.add(f.log_lines, base, static_cast<double>(info.lines));
  f.set.add(f.log_malformed, base, static_cast<double>(info.malformed_lines));
  f.set.add(f.waiting_for_end, base, flag(s.waiting_for_end));
  f.set.add(f.pending_bytes, base, static_cast<double>(info.pending_bytes));
}

void add_queues(Families& f, const Labels& base, const log::SessionModel& model) {
  for (const log::Queue& q : model.queues()) {
    const Labels labels = with(base, "queue", label_value(q.name));
    for (std::size_t i = 0; i < kQueueMetrics.size(); ++i) {
      if (auto v = kQueueMetrics[i].value(q.counts)) f.set.add(f.queue_first + i, labels, *v);
    }
  }
}

std::optional<double> number(std::optional<double> v) {
  return v;
}

void add_account_gauges(Families& f, const Labels& base, const log::SessionOverview& o) {
  const log::AccountCounts& a = o.accounts;
  if (auto v = number(a.total)) f.set.add(f.accounts, base, *v);
  f.set.add(f.accounts_done, base, static_cast<double>(a.done));
  f.set.add(f.accounts_failed, base, static_cast<double>(a.failed));
  f.set.add(f.accounts_dangerous, base, static_cast<double>(a.with_dangerous_items));
  if (auto v = number(a.remaining)) f.set.add(f.accounts_remaining, base, *v);
  if (auto v = number(o.throughput.accounts_per_hour)) f.set.add(f.accounts_per_hour, base, *v);
  if (auto v = number(o.throughput.estimated_completion)) {
    f.set.add(f.estimated_completion, base, *v);
  }
}

constexpr std::array<double, 9> kDurationBuckets = {60,   300,   900,   1800, 3600,
                                                    7200, 14400, 28800, 86400};

// One histogram per queue of the durations of its finished accounts; none while the
// session has no time at all (a log without times, read without a clock).
void add_durations(Families& f, const Labels& base, const log::SessionModel& model) {
  if (!model.times().last) return;
  const auto& queues = model.queues();
  std::vector<prometheus::ClientMetric::Histogram> h(queues.size());
  for (auto& one : h) {
    for (const double bound : kDurationBuckets) one.bucket.push_back({0, bound});
  }
  for (std::size_t i = 0; i < model.items().size(); ++i) {
    const log::ItemRecord& item = model.items()[i];
    const auto seconds = model.timings()[i].duration();
    if (!seconds || !item.finished() || !log::is_account_type(item.item_type)) continue;
    std::size_t q = 0;
    while (q + 1 < queues.size() && queues[q].name != item.queue) ++q;
    auto& one = h[q];
    const auto v = static_cast<double>(*seconds);
    ++one.sample_count;
    one.sample_sum += v;
    for (auto& b : one.bucket) {
      if (v <= b.upper_bound) ++b.cumulative_count;
    }
  }
  for (std::size_t q = 0; q < queues.size(); ++q) {
    f.set.add(f.queue_account_duration, with(base, "queue", label_value(queues[q].name)),
              std::move(h[q]));
  }
}

void add_queue_throughput(Families& f, const Labels& base, const log::SessionOverview& o) {
  for (const log::QueueOverview& q : o.queues) {
    if (auto v = q.throughput.bytes_per_hour) {
      f.set.add(f.queue_bytes_per_hour, with(base, "queue", label_value(q.queue)), *v);
    }
  }
}

// Failed accounts and accounts with dangerous items, at most `cap` series; returns how
// many series the cap left out.
std::size_t add_accounts(Families& f, const Labels& base, const log::SessionOverview& o,
                         std::size_t cap) {
  std::size_t emitted = 0;
  std::size_t dropped = 0;
  for (const log::FailedAccount& a : o.failed_accounts) {
    if (emitted >= cap) {
      ++dropped;
      continue;
    }
    Labels labels = with(base, "account", label_value(a.account));
    labels.push_back({"queue", label_value(a.queue)});
    labels.push_back({"failure", failure_label(a.cause)});
    f.set.add(f.account_failed, std::move(labels), 1.0);
    ++emitted;
  }
  for (const log::DangerousAccount& a : o.dangerous_accounts) {
    if (emitted >= cap) {
      ++dropped;
      continue;
    }
    f.set.add(f.account_dangerous, with(base, "account", label_value(a.account)),
              static_cast<double>(a.dangerous_items));
    ++emitted;
  }
  return dropped;
}

// Failed items and items with dangerous items, at most `cap` series; returns how many
// series the cap left out.
std::size_t add_items(Families& f, const Labels& base, const log::SessionModel& model,
                      std::size_t cap) {
  std::size_t emitted = 0;
  std::size_t dropped = 0;
  for (const log::ItemRecord& item : model.items()) {
    const bool failed = item.status == log::ItemStatus::failed;
    const bool dangerous = item.dangerous_items > 0;
    const std::size_t wanted = (failed ? 1 : 0) + (dangerous ? 1 : 0);
    if (wanted == 0) continue;
    if (emitted >= cap) {
      dropped += wanted;
      continue;
    }
    Labels labels = with(base, "queue", label_value(item.queue));
    labels.push_back({"item", label_value(item.name)});
    if (failed) {
      f.set.add(f.item_failed, with(labels, "failure", failure_label(item.failure.value_or(""))),
                1.0);
      ++emitted;
    }
    if (dangerous) {
      if (emitted < cap) {
        f.set.add(f.item_dangerous, std::move(labels), static_cast<double>(item.dangerous_items));
        ++emitted;
      } else {
        ++dropped;
      }
    }
  }
  return dropped;
}

}  // namespace

SessionCollector::SessionCollector(const sources::StatusSource& source,
                                   std::size_t max_item_series_per_session, DropSink on_dropped)
    : source_(source),
      max_item_series_(max_item_series_per_session),
      on_dropped_(std::move(on_dropped)) {}

std::vector<prometheus::MetricFamily> SessionCollector::Collect() const {
  Families f;
  source_.for_each_host([&](const sources::HostView& h) { add_host(f, h); });
  std::size_t dropped = 0;
  std::size_t newly_dropped = 0;
  const std::lock_guard lock(high_water_mutex_);
  std::unordered_map<std::string, std::size_t> high_water;
  source_.for_each_session([&](const sources::SessionView& s) {
    const Labels base{{"host", label_value(s.host)}, {"session", label_value(s.session_id)}};
    add_session_gauges(f, base, s);
    add_queues(f, base, s.model);
    std::size_t n = add_items(f, base, s.model, max_item_series_);
    if (s.log_read) {
      log::OverviewOptions options;
      options.state = s.state();
      const log::SessionOverview overview = log::session_overview(s.model, options);
      add_account_gauges(f, base, overview);
      add_queue_throughput(f, base, overview);
      add_durations(f, base, s.model);
      n += add_accounts(f, base, overview, max_item_series_);
    }
    dropped += n;
    if (n == 0) return;
    std::string key = std::string(s.host) + '\n' + std::string(s.session_id);
    const auto before = dropped_high_water_.find(key);
    const std::size_t seen = before == dropped_high_water_.end() ? 0 : before->second;
    if (n > seen) newly_dropped += n - seen;
    high_water.emplace(std::move(key), std::max(n, seen));
  });
  dropped_high_water_ = std::move(high_water);
  last_dropped_.store(dropped);
  if (newly_dropped > 0 && on_dropped_) on_dropped_(newly_dropped);
  return std::move(f.set).take();
}

}  // namespace wte::metrics
