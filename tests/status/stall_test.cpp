// stalled_seconds: the later of the log's growth and its last event, against the clock.
#include "status/stall.hpp"

#include <doctest/doctest.h>

#include "log/log_builder.hpp"
#include "support/fake_status_source.hpp"

using wte::status::stalled_seconds;

namespace {

std::optional<double> stalled(const wte::test::FakeStatusSource& src, double now,
                              double threshold) {
  std::optional<double> out;
  src.for_each_session(
      [&](const wte::sources::SessionView& v) { out = stalled_seconds(v, now, threshold); });
  return out;
}

}  // namespace

TEST_CASE("running states") {
  CHECK(wte::status::is_running_state("RUNNING"));
  CHECK(wte::status::is_running_state("TRANSFER_INPROGRESS"));
  CHECK(wte::status::is_running_state("RESTORE_INPROGRESS"));
  CHECK_FALSE(wte::status::is_running_state("PAUSED"));
  CHECK_FALSE(wte::status::is_running_state("REACHEDMAXMEM"));
}

TEST_CASE("the last sign of life is the later of growth and event") {
  wte::test::FakeStatusSource src;
  auto& s = src.add_session("h", "s", wte::test::control("start", "null", R"(,"time":500)"));
  CHECK(stalled(src, 1000, 100) == 500.0);  // only the event is known
  s.last_change = 400;                      // the log's clock is ahead: the event wins
  CHECK(stalled(src, 1000, 100) == 500.0);
  s.last_change = 800;
  CHECK(stalled(src, 1000, 100) == 200.0);
  CHECK_FALSE(stalled(src, 1000, 200));  // not longer than the threshold
  s.api_state = "TRANSFER_INPROGRESS";
  CHECK(stalled(src, 1000, 100) == 200.0);
  s.api_state = "PAUSED";
  CHECK_FALSE(stalled(src, 1000, 100));
}

TEST_CASE("nothing known, or a log that comes only at the end: not stalled") {
  wte::test::FakeStatusSource src;
  auto& s = src.add_session("h", "s", wte::test::control("start"));  // no time, no growth seen
  CHECK_FALSE(stalled(src, 1e9, 1));
  s.last_change = 10;
  CHECK(stalled(src, 1000, 1) == 990.0);
  s.waiting_for_end = true;
  CHECK_FALSE(stalled(src, 1000, 1));
  s.waiting_for_end = false;
  s.log_read = false;  // and no API state: unknown
  CHECK_FALSE(stalled(src, 1000, 1));
}
