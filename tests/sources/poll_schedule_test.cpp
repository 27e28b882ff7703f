#include "sources/poll_schedule.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using wte::sources::initial_delay;
using wte::sources::Millis;
using wte::sources::next_delay;

TEST_CASE("hosts start spread over the first interval") {
  CHECK(initial_delay(0, 4, 15000ms) == 0ms);
  CHECK(initial_delay(1, 4, 15000ms) == 3750ms);
  CHECK(initial_delay(3, 4, 15000ms) == 11250ms);
  CHECK(initial_delay(0, 0, 15000ms) == 0ms);
}

TEST_CASE("after a success: the rest of the interval") {
  CHECK(next_delay(15000ms, 2000ms, 0) == 13000ms);
  CHECK(next_delay(15000ms, 20000ms, 0) == 0ms);  // a slow round: start again at once
}

TEST_CASE("after failures: exponential back-off capped at 5 minutes, recovering alone") {
  CHECK(next_delay(15000ms, 0ms, 1) == 15000ms);
  CHECK(next_delay(15000ms, 0ms, 2) == 30000ms);
  CHECK(next_delay(15000ms, 0ms, 3) == 60000ms);
  CHECK(next_delay(15000ms, 0ms, 5) == 240000ms);
  CHECK(next_delay(15000ms, 0ms, 6) == 300000ms);
  CHECK(next_delay(15000ms, 0ms, 60) == 300000ms);
  CHECK(next_delay(15000ms, 0ms, 0) == 15000ms);    // the first success: back to normal
  CHECK(next_delay(600000ms, 0ms, 3) == 600000ms);  // never shorter than the interval
}
