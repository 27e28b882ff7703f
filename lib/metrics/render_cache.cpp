#include "metrics/render_cache.hpp"

#include <algorithm>
#include <utility>

namespace wte::metrics {

// Every page's last render counts: a client alternating between pages must not get a fresh
// render of each in turn.
RenderCache::Clock::duration RenderCache::reuse_for() const {
  Clock::duration total{};
  for (const auto& [key, page] : pages_) total += page.took;
  const auto scaled = std::chrono::duration_cast<Clock::duration>(total * reuse_factor_);
  return std::min(scaled, max_age_);
}

const std::string* RenderCache::fresh(std::string_view key, Clock::time_point now) const {
  const auto it = pages_.find(key);
  if (it == pages_.end()) return nullptr;
  const Page& page = it->second;
  if (now < page.finished || now - page.finished >= reuse_for()) return nullptr;
  return &page.body;
}

const std::string& RenderCache::store(std::string_view key, std::string body,
                                      Clock::time_point started, Clock::time_point finished) {
  auto it = pages_.find(key);
  if (it == pages_.end()) {
    if (pages_.size() >= kMaxPages) {
      pages_.erase(std::min_element(pages_.begin(), pages_.end(), [](const auto& a, const auto& b) {
        return a.second.finished < b.second.finished;
      }));
    }
    it = pages_.emplace(std::string(key), Page{}).first;
  }
  Page& page = it->second;
  page.body = std::move(body);
  page.finished = finished;
  page.took = std::max(finished - started, Clock::duration::zero());
  return page.body;
}

}  // namespace wte::metrics
