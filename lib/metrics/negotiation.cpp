#include "metrics/negotiation.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace wte::metrics {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// One element of a comma-separated header: "type/subtype;a=b;q=0.5".
struct Element {
  std::string value;    // lower case, parameters removed
  std::string version;  // the `version` parameter, if any
  double q = 1.0;
};

double quality(std::string_view text) {
  // RFC 9110: 0 to 1 with at most three decimals; anything unreadable counts as 0.
  double q = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), q);
  if (ec != std::errc() || end != text.data() + text.size() || q < 0 || q > 1) return 0;
  return q;
}

std::vector<Element> elements(std::string_view header) {
  std::vector<Element> out;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    Element e;
    const auto semi = item.find(';');
    e.value = lower(trim(item.substr(0, semi)));
    if (e.value.empty()) continue;
    std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
    while (!params.empty()) {
      const auto next = params.find(';');
      const std::string_view param = trim(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      const auto eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string name = lower(trim(param.substr(0, eq)));
      std::string_view value = trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (name == "q") e.q = quality(value);
      if (name == "version") e.version = std::string(value);
    }
    out.push_back(std::move(e));
  }
  // Highest quality first; equal ones keep the client's order.
  std::stable_sort(out.begin(), out.end(),
                   [](const Element& a, const Element& b) { return a.q > b.q; });
  return out;
}

}  // namespace

ExpositionFormat negotiate_format(std::optional<std::string_view> accept) {
  if (!accept) return ExpositionFormat::text;
  for (const Element& e : elements(*accept)) {
    if (e.q <= 0) break;  // sorted: nothing acceptable follows
    if (e.value == "application/openmetrics-text" && (e.version.empty() || e.version == "1.0.0")) {
      return ExpositionFormat::openmetrics;
    }
    if (e.value == "text/plain" && (e.version.empty() || e.version == "0.0.4")) {
      return ExpositionFormat::text;
    }
    if (e.value == "*/*" || e.value == "text/*") return ExpositionFormat::text;
  }
  return ExpositionFormat::text;
}

bool accepts_gzip(std::optional<std::string_view> accept_encoding) {
  if (!accept_encoding) return false;
  std::optional<double> gzip;
  std::optional<double> any;
  for (const Element& e : elements(*accept_encoding)) {
    if ((e.value == "gzip" || e.value == "x-gzip") && !gzip) gzip = e.q;
    if (e.value == "*" && !any) any = e.q;
  }
  if (gzip) return *gzip > 0;  // named: its own q decides, whatever `*` says
  return any && *any > 0;
}

Exposition negotiate(std::optional<std::string_view> accept,
                     std::optional<std::string_view> accept_encoding) {
  return Exposition{negotiate_format(accept), accepts_gzip(accept_encoding)};
}

std::string_view content_type(ExpositionFormat format) noexcept {
  return format == ExpositionFormat::openmetrics ? kOpenMetricsContentType : kTextContentType;
}

std::string_view format_name(ExpositionFormat format) noexcept {
  return format == ExpositionFormat::openmetrics ? "openmetrics" : "text";
}

std::string_view encoding_name(bool gzip) noexcept {
  return gzip ? "gzip" : "identity";
}

}  // namespace wte::metrics
