#include "sources/poll_schedule.hpp"

#include <algorithm>

namespace wte::sources {

Millis initial_delay(std::size_t index, std::size_t count, Millis interval) noexcept {
  if (count == 0) return Millis(0);
  return Millis(interval.count() * static_cast<long long>(index % count) /
                static_cast<long long>(count));
}

Millis next_delay(Millis interval, Millis round_took, unsigned consecutive_failures,
                  Millis max_backoff) noexcept {
  if (consecutive_failures == 0) return std::max(Millis(0), interval - round_took);
  Millis delay = interval;
  for (unsigned i = 1; i < consecutive_failures && delay < max_backoff; ++i) delay *= 2;
  return std::min(delay, std::max(max_backoff, interval));
}

}  // namespace wte::sources
