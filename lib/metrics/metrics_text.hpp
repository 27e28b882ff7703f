#pragma once
// The Prometheus text exposition (format 0.0.4) and OpenMetrics text 1.0.0 of any set of
// collectables. No I/O.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <string>
#include <string_view>
#include <vector>

#include "metrics/negotiation.hpp"

namespace wte::metrics {

inline constexpr std::string_view kContentType = kTextContentType;

// Collects each collectable (null pointers are skipped) and serializes every family.
std::string render_metrics_text(const std::vector<const prometheus::Collectable*>& collectables);

// Collects and serializes in the negotiated format, gzipped if asked.
std::string render_metrics(const std::vector<const prometheus::Collectable*>& collectables,
                           const Exposition& exposition);

// The families in the text format, byte for byte what prometheus::TextSerializer writes, but
// appended to one string instead of through an ostream (a third of the time at 100k series).
std::string serialize_text(const std::vector<prometheus::MetricFamily>& families);

// The families in OpenMetrics text 1.0.0: counters' families named without `_total` (their
// samples with it), `# UNIT` for names ending in a unit (seconds, bytes, ratio), `unknown`
// for untyped, no `_created` series, timestamps in seconds, and `# EOF` at the end.
std::string serialize_openmetrics(const std::vector<prometheus::MetricFamily>& families);

}  // namespace wte::metrics
