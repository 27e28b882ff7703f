#pragma once
// Keeps the last /metrics body for a moment, so that scrapes arriving back to back (a load
// balancer, a dashboard on a loop, several Prometheus servers) share one render. The event
// loop renders on the same thread that polls WHM: without this, 64 clients scraping as fast
// as they can leave the polls a sliver of the loop. A body is reused while it is younger
// than `reuse_factor` times what it took to render (and never older than `max_age`), so
// rendering takes at most 1 / (1 + reuse_factor) of the loop however hard it is scraped,
// and a body is never staler than a few renders. Pure: the caller passes the time in.
#include <array>
#include <chrono>
#include <cstddef>
#include <string>

namespace wte::metrics {

class RenderCache {
 public:
  using Clock = std::chrono::steady_clock;
  // One body per slot, each with its own age: the variants of one page (text or
  // OpenMetrics, plain or gzip; see Exposition::slot()) are rendered and kept apart.
  static constexpr std::size_t kSlots = 4;

  explicit RenderCache(double reuse_factor = 4.0,
                       Clock::duration max_age = std::chrono::seconds(1)) noexcept
      : reuse_factor_(reuse_factor), max_age_(max_age) {}

  // The last body of `slot` if it may still be served at `now`; nullptr otherwise.
  const std::string* fresh(Clock::time_point now, std::size_t slot = 0) const noexcept;

  // Keeps `body` in `slot`, rendered from `started` to `finished`, and returns it.
  const std::string& store(std::string body, Clock::time_point started, Clock::time_point finished,
                           std::size_t slot = 0);

  void clear() noexcept {
    for (auto& e : entries_) e.has_body = false;
  }

 private:
  struct Entry {
    bool has_body = false;
    std::string body;
    Clock::time_point finished{};
    Clock::duration reuse_for{};
  };
  double reuse_factor_;
  Clock::duration max_age_;
  std::array<Entry, kSlots> entries_;
};

}  // namespace wte::metrics
