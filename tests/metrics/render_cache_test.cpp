#include "metrics/render_cache.hpp"

#include <doctest/doctest.h>

using wte::metrics::RenderCache;
using namespace std::chrono_literals;

namespace {
const RenderCache::Clock::time_point t0{};
}

TEST_CASE("nothing is served before the first render") {
  const RenderCache cache;
  CHECK(cache.fresh(t0) == nullptr);
}

TEST_CASE("a body is reused for reuse_factor times its render time, then rendered again") {
  RenderCache cache(4.0);
  CHECK(cache.store("body", t0, t0 + 10ms) == "body");  // took 10 ms: reused for 40 ms
  REQUIRE(cache.fresh(t0 + 10ms) != nullptr);
  CHECK(*cache.fresh(t0 + 49ms) == "body");
  CHECK(cache.fresh(t0 + 50ms) == nullptr);
  cache.store("newer", t0 + 50ms, t0 + 51ms);  // took 1 ms: reused for 4 ms
  CHECK(*cache.fresh(t0 + 54ms) == "newer");
  CHECK(cache.fresh(t0 + 55ms) == nullptr);
}

TEST_CASE("a slow render is never reused past max_age") {
  RenderCache cache(4.0, 1s);
  cache.store("slow", t0, t0 + 2s);
  CHECK(cache.fresh(t0 + 2s + 999ms) != nullptr);
  CHECK(cache.fresh(t0 + 3s) == nullptr);
}

TEST_CASE("an instant render is not reused; clear() and a clock going back end reuse") {
  RenderCache cache;
  cache.store("instant", t0 + 1s, t0 + 1s);
  CHECK(cache.fresh(t0 + 1s) == nullptr);
  cache.store("b", t0 + 1s, t0 + 2s);
  CHECK(cache.fresh(t0 + 1s) == nullptr);  // before it was finished
  CHECK(cache.fresh(t0 + 2500ms) != nullptr);
  cache.clear();
  CHECK(cache.fresh(t0 + 2500ms) == nullptr);
}

TEST_CASE("each slot keeps its own body and age; clear() empties them all") {
  RenderCache cache(4.0, 1s);
  cache.store("text", t0, t0 + 10ms, 0);
  cache.store("openmetrics+gzip", t0, t0 + 100ms, 3);
  CHECK(*cache.fresh(t0 + 20ms, 0) == "text");
  CHECK(cache.fresh(t0 + 20ms, 1) == nullptr);  // never rendered
  CHECK(*cache.fresh(t0 + 200ms, 3) == "openmetrics+gzip");
  CHECK(cache.fresh(t0 + 200ms, 0) == nullptr);  // slot 0's 40 ms are over
  CHECK(cache.fresh(t0 + 200ms, RenderCache::kSlots) == nullptr);
  cache.clear();
  CHECK(cache.fresh(t0 + 200ms, 3) == nullptr);
}
