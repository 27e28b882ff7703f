#include "metrics/render_cache.hpp"

#include <doctest/doctest.h>

#include <string>

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

TEST_CASE("pages are kept apart by key; the default page is the one without a key") {
  RenderCache cache(4.0);
  cache.store("/", "landing", t0, t0 + 10ms);
  cache.store("/api/v1/sessions", "json", t0, t0 + 5ms);
  cache.store("metrics", t0, t0 + 5ms);  // no key
  REQUIRE(cache.fresh("/", t0 + 20ms) != nullptr);
  CHECK(*cache.fresh("/", t0 + 20ms) == "landing");
  CHECK(*cache.fresh("/api/v1/sessions", t0 + 20ms) == "json");
  CHECK(*cache.fresh(t0 + 20ms) == "metrics");
  CHECK(cache.fresh("/other", t0 + 20ms) == nullptr);
  CHECK(cache.size() == 3);
  cache.clear();
  CHECK(cache.fresh("/", t0 + 20ms) == nullptr);
}

TEST_CASE("the reuse window counts every page's render, so alternating pages share a budget") {
  RenderCache cache(4.0, 1s);
  cache.store("/", "a", t0, t0 + 10ms);  // alone: reused for 40 ms
  CHECK(cache.fresh("/", t0 + 55ms) == nullptr);
  cache.store("/api", "b", t0, t0 + 10ms);  // both took 10 ms: each reused for 80 ms
  CHECK(cache.fresh("/", t0 + 55ms) != nullptr);
  CHECK(cache.fresh("/", t0 + 89ms) != nullptr);
  CHECK(cache.fresh("/", t0 + 90ms) == nullptr);
  cache.store("/slow", "c", t0, t0 + 900ms);  // still never past max_age
  CHECK(cache.fresh("/slow", t0 + 1899ms) != nullptr);
  CHECK(cache.fresh("/slow", t0 + 1900ms) == nullptr);
}

TEST_CASE("at most kMaxPages pages: a new one replaces the oldest render") {
  RenderCache cache(4.0, 1s);
  for (std::size_t i = 0; i < RenderCache::kMaxPages; ++i) {
    cache.store("/p" + std::to_string(i), "x", t0 + std::chrono::milliseconds(i), t0 + 100ms);
  }
  cache.store("/p0", "again", t0, t0 + 150ms);  // a known key: nothing evicted
  CHECK(cache.size() == RenderCache::kMaxPages);
  cache.store("/new", "n", t0 + 200ms, t0 + 201ms);
  CHECK(cache.size() == RenderCache::kMaxPages);
  CHECK(cache.fresh("/p1", t0 + 202ms) == nullptr);  // among the oldest renders, the first
  CHECK(cache.fresh("/p0", t0 + 202ms) != nullptr);
  CHECK(cache.fresh("/new", t0 + 202ms) != nullptr);
}
