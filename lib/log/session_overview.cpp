#include "log/session_overview.hpp"

#include <algorithm>
#include <cmath>

#include "log/failure_cause.hpp"
#include "log/session_state.hpp"

namespace wte::log {
namespace {

constexpr std::string_view kTransfer = "TRANSFER";
constexpr std::string_view kRestore = "RESTORE";

// The recent window: (last - seconds, last].
struct Window {
  std::int64_t last = 0;
  std::int64_t seconds = 0;
  bool contains(std::optional<std::int64_t> t) const noexcept {
    return t && *t > last - seconds && *t <= last;
  }
};

std::optional<Window> recent_window(const SessionTimes& times, std::int64_t max_seconds) {
  if (!times.first || !times.last) return std::nullopt;
  const std::int64_t seconds = std::min(max_seconds, *times.last - *times.first);
  if (seconds <= 0) return std::nullopt;
  return Window{*times.last, seconds};
}

// What `done` completions (of `bytes`) in the window say, and when `remaining` more would
// be done at that pace.
Throughput throughput(const std::optional<Window>& w, std::int64_t done, std::int64_t bytes,
                      std::optional<std::int64_t> remaining, bool final_state) {
  Throughput t;
  if (!w) return t;
  const auto seconds = static_cast<double>(w->seconds);
  t.window_seconds = w->seconds;
  t.accounts_per_hour = static_cast<double>(done) * 3600.0 / seconds;
  t.bytes_per_hour = static_cast<double>(bytes) * 3600.0 / seconds;
  if (final_state || !remaining || done <= 0) return t;
  const double ahead = static_cast<double>(*remaining) * seconds / static_cast<double>(done);
  // A made-up queue_count can make it absurd: a century ahead is as good as unknown.
  if (!std::isfinite(ahead) || ahead > 100.0 * 365 * 86400) return t;
  t.estimated_completion = w->last + std::llround(ahead);
  return t;
}

std::optional<std::int64_t> remaining_of(std::optional<std::int64_t> total, std::int64_t done) {
  if (!total) return std::nullopt;
  return std::max<std::int64_t>(0, *total - done);
}

// The items of one account that count as the account (indices into items()), and what
// they add up to.
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
struct AccountItems {
  std::size_t first_failed = kNone;
  std::size_t restore = kNone;
  const ItemRecord* dangerous = nullptr;
  std::optional<std::int64_t> size;  // the largest size its items give
  bool any = false;
};

AccountItems account_items(const SessionModel& model, const AccountRecord& account) {
  AccountItems a;
  for (const std::size_t index : account.items) {
    const ItemRecord& item = model.items()[index];
    if (!is_account_type(item.item_type)) continue;
    a.any = true;
    const bool restore = item.queue == kRestore;
    if (restore) a.restore = index;
    if (item.status == ItemStatus::failed &&
        (a.first_failed == kNone ||
         model.timings()[index].result_line < model.timings()[a.first_failed].result_line)) {
      a.first_failed = index;
    }
    if (item.dangerous_items > 0 && (!a.dangerous || (restore && a.dangerous->queue != kRestore))) {
      a.dangerous = &item;
    }
    if (item.size && (!a.size || *item.size > *a.size)) a.size = item.size;
  }
  return a;
}

std::optional<std::int64_t> total_accounts(const SessionModel& model, std::int64_t seen) {
  for (const std::string_view name : {kTransfer, kRestore}) {
    if (const Queue* q = model.queue(name); q && q->counts.items_total)
      return q->counts.items_total;
  }
  if (seen > 0) return seen;
  return std::nullopt;
}

struct SlowCandidate {
  std::int64_t seconds;
  std::size_t item;
};

std::vector<SlowAccount> slowest(const SessionModel& model, std::vector<SlowCandidate>& c,
                                 std::size_t n) {
  const auto longer = [](const SlowCandidate& a, const SlowCandidate& b) {
    return a.seconds != b.seconds ? a.seconds > b.seconds : a.item < b.item;
  };
  const std::size_t keep = std::min(n, c.size());
  std::partial_sort(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(keep), c.end(), longer);
  std::vector<SlowAccount> out;
  out.reserve(keep);
  for (std::size_t i = 0; i < keep; ++i) {
    const ItemRecord& item = model.items()[c[i].item];
    out.push_back({item.name, item.queue, c[i].seconds});
  }
  return out;
}

void add_queues(const SessionModel& model, const OverviewOptions& options,
                const std::optional<Window>& window, bool final_state, SessionOverview& out) {
  const auto& queues = model.queues();
  std::vector<std::int64_t> done(queues.size(), 0), bytes(queues.size(), 0);
  std::vector<std::vector<SlowCandidate>> candidates(queues.size());
  std::size_t q = 0;
  for (std::size_t i = 0; i < model.items().size(); ++i) {
    const ItemRecord& item = model.items()[i];
    if (!item.finished() || !is_account_type(item.item_type)) continue;
    // Items come queue by queue in runs; the last queue found is usually the one.
    if (queues[q].name != item.queue) {
      q = 0;
      while (q + 1 < queues.size() && queues[q].name != item.queue) ++q;
    }
    const ItemTiming& timing = model.timings()[i];
    if (window && window->contains(timing.result_at)) {
      ++done[q];
      bytes[q] += item.size.value_or(0);
    }
    if (const auto d = timing.duration()) candidates[q].push_back({*d, i});
  }
  for (std::size_t k = 0; k < queues.size(); ++k) {
    const QueueCounts& c = queues[k].counts;
    QueueOverview& o = out.queues.emplace_back();
    o.queue = queues[k].name;
    o.throughput = throughput(window, done[k], bytes[k],
                              remaining_of(c.items_total, c.items_finished), final_state);
    o.slowest = slowest(model, candidates[k], options.slowest_per_queue);
  }
}

}  // namespace

std::vector<SlowAccount> SessionOverview::slowest() const {
  std::vector<SlowAccount> all;
  for (const QueueOverview& q : queues) all.insert(all.end(), q.slowest.begin(), q.slowest.end());
  std::stable_sort(all.begin(), all.end(), [](const SlowAccount& a, const SlowAccount& b) {
    return a.seconds > b.seconds;
  });
  return all;
}

SessionOverview session_overview(const SessionModel& model, const OverviewOptions& options) {
  SessionOverview out;
  const bool final_state = is_final_state(options.state.value_or(model.info().state));
  const std::optional<Window> window = recent_window(model.times(), options.window_seconds);
  out.from_exporter_clock = model.times().from_exporter_clock;

  std::int64_t done_in_window = 0, bytes_in_window = 0;
  AccountCounts& n = out.accounts;
  for (const AccountRecord& account : model.accounts()) {
    const AccountItems a = account_items(model, account);
    if (!a.any) continue;
    ++n.seen;
    const bool failed = a.first_failed != kNone;
    const bool restored = a.restore != kNone && model.items()[a.restore].finished();
    if (failed) {
      ++n.failed;
      const ItemRecord& f = model.items()[a.first_failed];
      std::optional<std::string_view> failure;
      if (f.failure) failure = *f.failure;
      out.failed_accounts.push_back(
          {f.name, f.queue, failure, f.failure ? failure_cause(*f.failure, f.name) : ""});
    }
    if (failed || restored) {
      ++n.done;
      const ItemTiming& decided = model.timings()[failed ? a.first_failed : a.restore];
      if (window && window->contains(decided.result_at)) {
        ++done_in_window;
        bytes_in_window += a.size.value_or(0);
      }
    }
    if (a.dangerous) {
      ++n.with_dangerous_items;
      out.dangerous_accounts.push_back(
          {a.dangerous->name, a.dangerous->dangerous_items, &a.dangerous->dangerous_texts});
    }
  }
  n.total = total_accounts(model, n.seen);
  n.remaining = remaining_of(n.total, n.done);
  out.throughput = throughput(window, done_in_window, bytes_in_window, n.remaining, final_state);
  add_queues(model, options, window, final_state, out);
  return out;
}

}  // namespace wte::log
