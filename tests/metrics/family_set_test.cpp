// The families of one scrape: declaration order kept, empty families left out, gauges and
// histograms, and `with` adding a label to a copy.
#include "metrics/family_set.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using wte::metrics::FamilySet;
using wte::metrics::Labels;

TEST_CASE("families come out in declaration order; an empty one says nothing") {
  FamilySet set;
  const auto first = set.define("whm_first", "The first.");
  const auto empty = set.define("whm_empty", "Never added to.");
  const auto second = set.define("whm_second", "The second.");
  set.add(second, {{"host", "b"}}, 2);
  set.add(first, {{"host", "a"}}, 1);
  set.add(second, {{"host", "c"}}, 3);
  CHECK(empty == 1);
  const auto families = std::move(set).take();
  REQUIRE(families.size() == 2);
  CHECK(families[0].name == "whm_first");
  CHECK(families[0].help == "The first.");
  CHECK(families[0].type == prometheus::MetricType::Gauge);
  REQUIRE(families[0].metric.size() == 1);
  CHECK(families[0].metric[0].gauge.value == 1);
  CHECK(families[1].name == "whm_second");
  REQUIRE(families[1].metric.size() == 2);  // series in the order they were added
  CHECK(families[1].metric[0].label == Labels{{"host", "b"}});
  CHECK(families[1].metric[1].label == Labels{{"host", "c"}});
  CHECK(families[1].metric[1].gauge.value == 3);
}

TEST_CASE("a histogram family keeps its buckets") {
  FamilySet set;
  const auto h = set.define("whm_seconds", "Durations.", prometheus::MetricType::Histogram);
  prometheus::ClientMetric::Histogram histogram;
  histogram.sample_count = 3;
  histogram.sample_sum = 1.5;
  histogram.bucket = {{1, 0.5}, {2, 1.0}};
  set.add(h, {}, histogram);
  const auto families = std::move(set).take();
  REQUIRE(families.size() == 1);
  CHECK(families[0].type == prometheus::MetricType::Histogram);
  REQUIRE(families[0].metric.size() == 1);
  CHECK(families[0].metric[0].histogram.sample_count == 3);
  CHECK(families[0].metric[0].histogram.sample_sum == 1.5);
  CHECK(families[0].metric[0].histogram.bucket.size() == 2);
}

TEST_CASE("a handle that was never defined is an error, not a stray series") {
  FamilySet set;
  set.define("whm_only", "Only.");
  CHECK_THROWS_AS(set.add(1, {}, 1.0), std::out_of_range);
}

TEST_CASE("with: the base labels and one more, the base untouched") {
  const Labels base{{"host", "h"}, {"session", "s"}};
  const Labels more = wte::metrics::with(base, "queue", "TRANSFER");
  CHECK(more == Labels{{"host", "h"}, {"session", "s"}, {"queue", "TRANSFER"}});
  CHECK(base.size() == 2);
}
