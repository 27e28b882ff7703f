#pragma once
// A clock that tests move by hand (sources::Clock).
#include <chrono>

#include "sources/clock.hpp"

namespace wte::test {

class ManualClock final : public sources::Clock {
 public:
  double unix_now() const override { return unix; }
  Monotonic::time_point monotonic_now() const override { return monotonic; }
  // Moves both clocks forward.
  void advance(std::chrono::milliseconds d) {
    unix += std::chrono::duration<double>(d).count();
    monotonic += d;
  }

  double unix = 1'700'000'000;
  Monotonic::time_point monotonic{};
};

}  // namespace wte::test
