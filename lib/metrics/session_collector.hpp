#pragma once
// The gauges (and the duration histograms) of METRICS.md built from the exporter's state at
// scrape time: per host, per session, per queue, per item and per account. Nothing is kept between
// scrapes, so a session or host that is gone is simply absent from the next one.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "sources/status_source.hpp"

namespace wte::metrics {

inline constexpr std::size_t kDefaultMaxItemSeriesPerSession = 1000;

class SessionCollector : public prometheus::Collectable {
 public:
  // Told, after a scrape that left out series not left out before, how many more: the
  // exporter adds them to whm_transfer_dropped_total{limit="item_series"}. A series is
  // counted once, not once per scrape (each session's count of left-out series is
  // remembered at its highest while the session exists).
  using DropSink = std::function<void(std::size_t newly_dropped_series)>;

  explicit SessionCollector(
      const sources::StatusSource& source,
      std::size_t max_item_series_per_session = kDefaultMaxItemSeriesPerSession,
      DropSink on_dropped = {});

  std::vector<prometheus::MetricFamily> Collect() const override;

  // Per-item and per-account series left out by the cap on the last Collect() (the cap
  // holds for each of the two kinds, per session).
  std::size_t last_dropped() const noexcept { return last_dropped_.load(); }

 private:
  const sources::StatusSource& source_;
  std::size_t max_item_series_;
  DropSink on_dropped_;
  mutable std::atomic<std::size_t> last_dropped_{0};
  // Per session (host + '\n' + id): the most series the cap has left out. Rebuilt on every
  // Collect() from the sessions that still exist, so it never outgrows them.
  mutable std::mutex high_water_mutex_;
  mutable std::unordered_map<std::string, std::size_t> dropped_high_water_;
};

}  // namespace wte::metrics
