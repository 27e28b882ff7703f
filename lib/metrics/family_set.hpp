#pragma once
// The gauge (and histogram) families of one scrape, built series by series, in a fixed
// order.
#include <prometheus/metric_family.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wte::metrics {

using Label = prometheus::ClientMetric::Label;
using Labels = std::vector<Label>;

class FamilySet {
 public:
  // Declares a family (a gauge unless told); returns its handle for add(). Output keeps
  // declaration order.
  std::size_t define(std::string_view name, std::string_view help,
                     prometheus::MetricType type = prometheus::MetricType::Gauge);
  void add(std::size_t family, Labels labels, double value);
  void add(std::size_t family, Labels labels, prometheus::ClientMetric::Histogram histogram);
  // The families that got at least one series: an empty family says nothing.
  std::vector<prometheus::MetricFamily> take() &&;

 private:
  std::vector<prometheus::MetricFamily> families_;
};

// `base` plus one more label.
Labels with(const Labels& base, std::string name, std::string value);

}  // namespace wte::metrics
