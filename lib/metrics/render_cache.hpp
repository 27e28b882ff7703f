#pragma once
// Keeps the last /metrics body for a moment, so that scrapes arriving back to back (a load
// balancer, a dashboard on a loop, several Prometheus servers) share one render. The event
// loop renders on the same thread that polls WHM: without this, 64 clients scraping as fast
// as they can leave the polls a sliver of the loop. A body is reused while it is younger
// than `reuse_factor` times what it took to render (and never older than `max_age`), so
// rendering takes at most 1 / (1 + reuse_factor) of the loop however hard it is scraped,
// and a body is never staler than a few renders. Pure: the caller passes the time in.
#include <chrono>
#include <string>

namespace wte::metrics {

class RenderCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RenderCache(double reuse_factor = 4.0,
                       Clock::duration max_age = std::chrono::seconds(1)) noexcept
      : reuse_factor_(reuse_factor), max_age_(max_age) {}

  // The last body if it may still be served at `now`; nullptr otherwise.
  const std::string* fresh(Clock::time_point now) const noexcept;

  // Keeps `body`, rendered from `started` to `finished`, and returns it.
  const std::string& store(std::string body, Clock::time_point started, Clock::time_point finished);

  void clear() noexcept { has_body_ = false; }

 private:
  double reuse_factor_;
  Clock::duration max_age_;
  bool has_body_ = false;
  std::string body_;
  Clock::time_point finished_{};
  Clock::duration reuse_for_{};
};

}  // namespace wte::metrics
