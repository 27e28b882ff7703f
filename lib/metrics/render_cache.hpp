#pragma once
// Keeps the last body of each rendered page for a moment, so that requests arriving back to
// back (a load balancer, a dashboard on a loop, several Prometheus servers, or a client
// hammering `/` on purpose) share one render. The event loop renders on the same thread that
// polls WHM: without this, 64 clients asking as fast as they can leave the polls a sliver of
// the loop. A body is reused while it is younger than `reuse_factor` times what the last
// render of every page took together (and never older than `max_age`), so rendering takes
// at most about 1 / (1 + reuse_factor) of the loop however hard any mix of pages is asked
// for, and a body is never staler than a few renders. Pure: the caller passes the time in.
//
// Pages are told apart by a key of the caller's choosing (the path, plus whatever changes
// the body: a query, a negotiated format). The calls without a key use one default page.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace wte::metrics {

class RenderCache {
 public:
  using Clock = std::chrono::steady_clock;
  // Pages kept at most; a new key past this replaces the one rendered longest ago.
  static constexpr std::size_t kMaxPages = 16;

  explicit RenderCache(double reuse_factor = 4.0,
                       Clock::duration max_age = std::chrono::seconds(1)) noexcept
      : reuse_factor_(reuse_factor), max_age_(max_age) {}

  // The last body of page `key` if it may still be served at `now`; nullptr otherwise.
  const std::string* fresh(std::string_view key, Clock::time_point now) const;
  const std::string* fresh(Clock::time_point now) const { return fresh({}, now); }

  // Keeps `body` of page `key`, rendered from `started` to `finished`, and returns it.
  const std::string& store(std::string_view key, std::string body, Clock::time_point started,
                           Clock::time_point finished);
  const std::string& store(std::string body, Clock::time_point started,
                           Clock::time_point finished) {
    return store({}, std::move(body), started, finished);
  }

  // Forgets every page (after a reload, say).
  void clear() noexcept { pages_.clear(); }
  std::size_t size() const noexcept { return pages_.size(); }

 private:
  struct Page {
    std::string body;
    Clock::time_point finished{};
    Clock::duration took{};
  };
  Clock::duration reuse_for() const;

  double reuse_factor_;
  Clock::duration max_age_;
  std::map<std::string, Page, std::less<>> pages_;
};

}  // namespace wte::metrics
