#pragma once
// The time the sources and the exporter see, injected so that tests can move it: wall-clock
// Unix seconds (what the metrics and the page show) and a monotonic clock (what durations
// and timers are measured with).
#include <chrono>

namespace wte::sources {

class Clock {
 public:
  using Monotonic = std::chrono::steady_clock;
  virtual ~Clock() = default;
  virtual double unix_now() const = 0;
  virtual Monotonic::time_point monotonic_now() const = 0;
};

// The machine's clocks.
class SystemClock final : public Clock {
 public:
  double unix_now() const override;
  Monotonic::time_point monotonic_now() const override;
};

}  // namespace wte::sources
