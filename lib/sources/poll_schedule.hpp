#pragma once
// When to poll a host next. Pure: the caller owns the timer.
#include <chrono>
#include <cstddef>

namespace wte::sources {

using Millis = std::chrono::milliseconds;

// Hosts start spread evenly over the first interval so they do not poll in step.
Millis initial_delay(std::size_t index, std::size_t count, Millis interval) noexcept;

// After a round: the rest of the interval when it succeeded, else an exponential back-off
// (interval * 2^(failures-1)) capped at `max_backoff`. A host recovers alone: the first
// success returns it to the normal interval.
Millis next_delay(Millis interval, Millis round_took, unsigned consecutive_failures,
                  Millis max_backoff = std::chrono::minutes(5)) noexcept;

}  // namespace wte::sources
