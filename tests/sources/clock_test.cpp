// SystemClock: the machine's wall clock in Unix seconds, and a monotonic clock.
#include "sources/clock.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

TEST_CASE("SystemClock reads the machine's clocks") {
  const wte::sources::SystemClock clock;
  const wte::sources::Clock& injected = clock;  // what the sources hold
  const double system =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(std::abs(injected.unix_now() - system) < 60);  // the same clock, read moments apart
  CHECK(injected.unix_now() > 1'600'000'000);          // seconds, not milliseconds or days
  CHECK(injected.unix_now() < 1e11);
  const auto before = injected.monotonic_now();
  CHECK(injected.monotonic_now() >= before);
  CHECK(std::abs(std::chrono::duration<double>(injected.monotonic_now() -
                                               wte::sources::Clock::Monotonic::now())
                     .count()) < 60);
}
