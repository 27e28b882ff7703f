#include "metrics/family_set.hpp"

#include <utility>

namespace wte::metrics {

std::size_t FamilySet::define(std::string_view name, std::string_view help,
                              prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = std::string(name);
  f.help = std::string(help);
  f.type = type;
  families_.push_back(std::move(f));
  return families_.size() - 1;
}

void FamilySet::add(std::size_t family, Labels labels, double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  families_.at(family).metric.push_back(std::move(m));
}

void FamilySet::add(std::size_t family, Labels labels,
                    prometheus::ClientMetric::Histogram histogram) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.histogram = std::move(histogram);
  families_.at(family).metric.push_back(std::move(m));
}

std::vector<prometheus::MetricFamily> FamilySet::take() && {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(families_.size());
  for (auto& f : families_) {
    if (!f.metric.empty()) out.push_back(std::move(f));
  }
  return out;
}

Labels with(const Labels& base, std::string name, std::string value) {
  Labels out;
  out.reserve(base.size() + 1);
  out = base;
  out.push_back({std::move(name), std::move(value)});
  return out;
}

}  // namespace wte::metrics
