#include "metrics/metrics_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>

#include "metrics/gzip.hpp"

namespace wte::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

// As prometheus::TextSerializer writes a double: Nan, +Inf, -Inf, else printf's %.16g in
// the C locale (its precision is max_digits10 - 1).
void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "Nan";
  } else if (std::isinf(v)) {
    out += v < 0 ? "-Inf" : "+Inf";
  } else {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general,
                                 std::numeric_limits<double>::max_digits10 - 1);
    out.append(buf, r.ptr);
  }
}

template <class Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// A label value: backslash, double quote and newline escaped.
void append_escaped(std::string& out, std::string_view s) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out.append(s, start, i - start);
    out += '\\';
    out += c == '\n' ? 'n' : c;
    start = i + 1;
  }
  out.append(s, start, s.size() - start);
}

// `name{labels,extra="value"} ` (no braces without labels).
struct Extra {
  std::string_view name;
  std::string_view text;  // used when set
  double number = 0;
};

// The two dialects differ in a few spellings (see serialize_openmetrics).
enum class Dialect { text, openmetrics };

// OpenMetrics spells numbers as Go's client does: NaN, and integral label values (le,
// quantile) with ".0" ("1.0"), so a bucket has one canonical name.
void append_om_double(std::string& out, double v, bool label_value = false) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  const std::size_t start = out.size();
  append_double(out, v);
  if (label_value && !std::isinf(v) && out.find_first_of(".e", start) == std::string::npos) {
    out += ".0";
  }
}

void append_head(std::string& out, std::string_view name, const ClientMetric& m,
                 std::string_view suffix = {}, const Extra* extra = nullptr,
                 Dialect dialect = Dialect::text) {
  out += name;
  out += suffix;
  if (!m.label.empty() || extra != nullptr) {
    out += '{';
    bool first = true;
    for (const auto& l : m.label) {
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      append_escaped(out, l.value);
      out += '"';
    }
    if (extra != nullptr) {
      if (!first) out += ',';
      out += extra->name;
      out += "=\"";
      if (extra->text.empty() && dialect == Dialect::openmetrics) {
        append_om_double(out, extra->number, true);
      } else if (extra->text.empty()) {
        append_double(out, extra->number);  // digits and signs only: nothing to escape
      } else {
        append_escaped(out, extra->text);
      }
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

void append_tail(std::string& out, const ClientMetric& m, Dialect dialect = Dialect::text) {
  if (m.timestamp_ms != 0) {
    out += ' ';
    if (dialect == Dialect::openmetrics) {
      append_om_double(out, static_cast<double>(m.timestamp_ms) / 1000.0);  // seconds there
    } else {
      append_int(out, m.timestamp_ms);
    }
  }
  out += '\n';
}

void append_value_line(std::string& out, const MetricFamily& f, const ClientMetric& m, double v) {
  append_head(out, f.name, m);
  append_double(out, v);
  append_tail(out, m);
}

// The _count and _sum lines that summaries and histograms share.
void append_count_and_sum(std::string& out, const MetricFamily& f, const ClientMetric& m,
                          std::uint64_t count, double sum) {
  append_head(out, f.name, m, "_count");
  append_int(out, count);
  append_tail(out, m);
  append_head(out, f.name, m, "_sum");
  append_double(out, sum);
  append_tail(out, m);
}

void append_summary(std::string& out, const MetricFamily& f, const ClientMetric& m) {
  append_count_and_sum(out, f, m, m.summary.sample_count, m.summary.sample_sum);
  for (const auto& q : m.summary.quantile) {
    const Extra extra{"quantile", {}, q.quantile};
    append_head(out, f.name, m, {}, &extra);
    append_double(out, q.value);
    append_tail(out, m);
  }
}

void append_histogram(std::string& out, const MetricFamily& f, const ClientMetric& m) {
  append_count_and_sum(out, f, m, m.histogram.sample_count, m.histogram.sample_sum);
  double last = -std::numeric_limits<double>::infinity();
  for (const auto& b : m.histogram.bucket) {
    const Extra extra{"le", {}, b.upper_bound};
    append_head(out, f.name, m, "_bucket", &extra);
    last = b.upper_bound;
    append_int(out, b.cumulative_count);
    append_tail(out, m);
  }
  if (last != std::numeric_limits<double>::infinity()) {
    const Extra extra{"le", "+Inf"};
    append_head(out, f.name, m, "_bucket", &extra);
    append_int(out, m.histogram.sample_count);
    append_tail(out, m);
  }
}

std::string_view type_name(prometheus::MetricType t) {
  switch (t) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Untyped:
      return "untyped";
    case prometheus::MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

// A "# HELP name text" or "# TYPE name type" line.
void append_comment(std::string& out, std::string_view kind, std::string_view name,
                    std::string_view text) {
  out += "# ";
  out += kind;
  out += ' ';
  out += name;
  out += ' ';
  out += text;
  out += '\n';
}

void append_family(std::string& out, const MetricFamily& f) {
  if (!f.help.empty()) append_comment(out, "HELP", f.name, f.help);
  append_comment(out, "TYPE", f.name, type_name(f.type));
  for (const ClientMetric& m : f.metric) {
    switch (f.type) {
      case prometheus::MetricType::Counter:
        append_value_line(out, f, m, m.counter.value);
        break;
      case prometheus::MetricType::Gauge:
        append_value_line(out, f, m, m.gauge.value);
        break;
      case prometheus::MetricType::Summary:
        append_summary(out, f, m);
        break;
      case prometheus::MetricType::Untyped:
        append_value_line(out, f, m, m.untyped.value);
        break;
      case prometheus::MetricType::Histogram:
        append_histogram(out, f, m);
        break;
    }
  }
}

// --- OpenMetrics 1.0.0 -------------------------------------------------------------------

// Base units that our metric names end in; OpenMetrics wants them declared by # UNIT.
constexpr std::array<std::string_view, 3> kUnits = {"seconds", "bytes", "ratio"};

// A counter's family is named without `_total`; its sample carries it.
std::string_view om_family_name(const MetricFamily& f) {
  std::string_view name = f.name;
  if (f.type == prometheus::MetricType::Counter && name.ends_with("_total")) {
    name.remove_suffix(std::string_view("_total").size());
  }
  return name;
}

std::string_view unit_of(std::string_view name) {
  for (const std::string_view unit : kUnits) {
    if (name.size() > unit.size() + 1 && name.ends_with(unit) &&
        name[name.size() - unit.size() - 1] == '_') {
      return unit;
    }
  }
  return {};
}

std::string_view om_type_name(prometheus::MetricType t) {
  return t == prometheus::MetricType::Untyped ? "unknown" : type_name(t);
}

// HELP text escapes backslash, line feed and double quote there.
void append_om_help(std::string& out, std::string_view name, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (const char c : help) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '\n';
}

constexpr Dialect kOm = Dialect::openmetrics;

void append_om_sample(std::string& out, std::string_view name, std::string_view suffix,
                      const ClientMetric& m, double v, const Extra* extra = nullptr) {
  append_head(out, name, m, suffix, extra, kOm);
  append_om_double(out, v);
  append_tail(out, m, kOm);
}

void append_om_histogram(std::string& out, std::string_view name, const ClientMetric& m) {
  double last = -std::numeric_limits<double>::infinity();
  for (const auto& b : m.histogram.bucket) {
    const Extra extra{"le", {}, b.upper_bound};
    append_om_sample(out, name, "_bucket", m, static_cast<double>(b.cumulative_count), &extra);
    last = b.upper_bound;
  }
  if (last != std::numeric_limits<double>::infinity()) {
    const Extra extra{"le", "+Inf"};
    append_om_sample(out, name, "_bucket", m, static_cast<double>(m.histogram.sample_count),
                     &extra);
  }
  append_om_sample(out, name, "_sum", m, m.histogram.sample_sum);
  append_om_sample(out, name, "_count", m, static_cast<double>(m.histogram.sample_count));
}

void append_om_summary(std::string& out, std::string_view name, const ClientMetric& m) {
  for (const auto& q : m.summary.quantile) {
    const Extra extra{"quantile", {}, q.quantile};
    append_om_sample(out, name, {}, m, q.value, &extra);
  }
  append_om_sample(out, name, "_sum", m, m.summary.sample_sum);
  append_om_sample(out, name, "_count", m, static_cast<double>(m.summary.sample_count));
}

void append_om_family(std::string& out, const MetricFamily& f) {
  const std::string_view name = om_family_name(f);
  if (!f.help.empty()) append_om_help(out, name, f.help);
  append_comment(out, "TYPE", name, om_type_name(f.type));
  if (const auto unit = unit_of(name); !unit.empty()) append_comment(out, "UNIT", name, unit);
  for (const ClientMetric& m : f.metric) {
    switch (f.type) {
      case prometheus::MetricType::Counter:
        append_om_sample(out, name, "_total", m, m.counter.value);
        break;
      case prometheus::MetricType::Gauge:
        append_om_sample(out, name, {}, m, m.gauge.value);
        break;
      case prometheus::MetricType::Untyped:
        append_om_sample(out, name, {}, m, m.untyped.value);
        break;
      case prometheus::MetricType::Summary:
        append_om_summary(out, name, m);
        break;
      case prometheus::MetricType::Histogram:
        append_om_histogram(out, name, m);
        break;
    }
  }
}

// A guess of the output size, so the string grows once or twice rather than ~20 times.
std::size_t estimated_size(const std::vector<MetricFamily>& families) {
  std::size_t n = 0;
  for (const auto& f : families) {
    n += f.help.size() + 2 * f.name.size() + 32;
    std::size_t labels = 0;
    if (!f.metric.empty()) {
      for (const auto& l : f.metric.front().label) labels += l.name.size() + l.value.size() + 4;
    }
    n += f.metric.size() * (f.name.size() + labels + 24);
  }
  return n;
}

}  // namespace

std::string serialize_text(const std::vector<MetricFamily>& families) {
  std::string out;
  out.reserve(estimated_size(families));
  for (const auto& f : families) append_family(out, f);
  return out;
}

std::string serialize_openmetrics(const std::vector<MetricFamily>& families) {
  std::string out;
  out.reserve(estimated_size(families) + families.size() * 16);
  for (const auto& f : families) append_om_family(out, f);
  out += "# EOF\n";
  return out;
}

namespace {
std::vector<MetricFamily> collect(const std::vector<const prometheus::Collectable*>& collectables) {
  std::vector<MetricFamily> families;
  for (const prometheus::Collectable* c : collectables) {
    if (c == nullptr) continue;
    auto collected = c->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  return families;
}
}  // namespace

std::string render_metrics_text(const std::vector<const prometheus::Collectable*>& collectables) {
  return serialize_text(collect(collectables));
}

std::string render_metrics(const std::vector<const prometheus::Collectable*>& collectables,
                           const Exposition& exposition) {
  const auto families = collect(collectables);
  std::string body = exposition.format == ExpositionFormat::openmetrics
                         ? serialize_openmetrics(families)
                         : serialize_text(families);
  return exposition.gzip ? gzip_compress(body) : body;
}

}  // namespace wte::metrics
