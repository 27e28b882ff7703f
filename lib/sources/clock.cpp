#include "sources/clock.hpp"

namespace wte::sources {

double SystemClock::unix_now() const {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Clock::Monotonic::time_point SystemClock::monotonic_now() const {
  return Monotonic::now();
}

}  // namespace wte::sources
