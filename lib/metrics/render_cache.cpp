#include "metrics/render_cache.hpp"

#include <algorithm>
#include <utility>

namespace wte::metrics {

const std::string* RenderCache::fresh(Clock::time_point now) const noexcept {
  if (!has_body_ || now < finished_ || now - finished_ >= reuse_for_) return nullptr;
  return &body_;
}

const std::string& RenderCache::store(std::string body, Clock::time_point started,
                                      Clock::time_point finished) {
  const auto took =
      std::chrono::duration_cast<Clock::duration>((finished - started) * reuse_factor_);
  reuse_for_ = std::min(took, max_age_);
  finished_ = finished;
  body_ = std::move(body);
  has_body_ = true;
  return body_;
}

}  // namespace wte::metrics
