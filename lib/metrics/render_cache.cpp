#include "metrics/render_cache.hpp"

#include <algorithm>
#include <utility>

namespace wte::metrics {

const std::string* RenderCache::fresh(Clock::time_point now, std::size_t slot) const noexcept {
  if (slot >= kSlots) return nullptr;
  const Entry& e = entries_[slot];
  if (!e.has_body || now < e.finished || now - e.finished >= e.reuse_for) return nullptr;
  return &e.body;
}

const std::string& RenderCache::store(std::string body, Clock::time_point started,
                                      Clock::time_point finished, std::size_t slot) {
  Entry& e = entries_.at(slot);
  const auto took =
      std::chrono::duration_cast<Clock::duration>((finished - started) * reuse_factor_);
  e.reuse_for = std::min(took, max_age_);
  e.finished = finished;
  e.body = std::move(body);
  e.has_body = true;
  return e.body;
}

}  // namespace wte::metrics
