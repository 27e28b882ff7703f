#pragma once
// Helpers of the local-mode tests: files, the engine's summary of a file, open descriptors,
// and reading the exporter's own metrics back (temporary folders: support/temp_dir.hpp).
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "log/master_log.hpp"
#include "log/summary_json.hpp"
#include "metrics/exporter_metrics.hpp"
#include "support/temp_dir.hpp"

namespace wte::local::testing {

inline void write_file(const std::filesystem::path& p, std::string_view text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

inline void append_file(const std::filesystem::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out << text;
  if (!out) throw std::runtime_error("cannot append to " + p.string());
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What the engine makes of `text` read in one go: the reference the tailer must match.
inline std::string summary_of_text(std::string_view text) {
  log::MasterLog m;
  m.feed(text);
  return log::summary_json(m.model(), {.overview = false});
}

inline std::string summary_of_file(const std::filesystem::path& p) {
  return summary_of_text(read_file(p));
}

inline std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

inline bool running_as_root() {
  return ::geteuid() == 0;
}

// A metric's value for the series that has label name=value (any label set if name is "").
inline std::optional<double> metric_value(const metrics::ExporterMetrics& m,
                                          std::string_view family, std::string_view label = "",
                                          std::string_view value = "", std::string_view label2 = "",
                                          std::string_view value2 = "") {
  const auto has = [](const prometheus::ClientMetric& cm, std::string_view n, std::string_view v) {
    if (n.empty()) return true;
    for (const auto& l : cm.label) {
      if (l.name == n && l.value == v) return true;
    }
    return false;
  };
  for (const auto& f : m.Collect()) {
    if (f.name != family) continue;
    for (const auto& cm : f.metric) {
      if (!has(cm, label, value) || !has(cm, label2, value2)) continue;
      switch (f.type) {
        case prometheus::MetricType::Counter:
          return cm.counter.value;
        case prometheus::MetricType::Gauge:
          return cm.gauge.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(cm.histogram.sample_count);
        default:
          return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

}  // namespace wte::local::testing
