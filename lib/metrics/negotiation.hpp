#pragma once
// What a /metrics response is: chosen from the request's Accept and Accept-Encoding headers
// as Prometheus' own client libraries choose it. Prometheus asks for OpenMetrics first and
// always for gzip. Pure.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace wte::metrics {

enum class ExpositionFormat { text, openmetrics };

struct Exposition {
  ExpositionFormat format = ExpositionFormat::text;
  bool gzip = false;

  // One name per combination: each is rendered and cached as a page of its own.
  std::string_view cache_key() const noexcept {
    if (format == ExpositionFormat::openmetrics) {
      return gzip ? "/metrics openmetrics gzip" : "/metrics openmetrics";
    }
    return gzip ? "/metrics text gzip" : "/metrics text";
  }
  friend bool operator==(const Exposition&, const Exposition&) = default;
};

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
// Caches between the exporter and its scrapers must keep the variants apart.
inline constexpr std::string_view kVary = "Accept, Accept-Encoding";

// OpenMetrics 1.0.0 when `accept` prefers application/openmetrics-text (without a version,
// or version 1.0.0) to the text format; the text format 0.0.4 otherwise, also without the
// header or when nothing in it is something we serve.
ExpositionFormat negotiate_format(std::optional<std::string_view> accept);
// True when `accept_encoding` allows gzip (`gzip`, `x-gzip` or `*` with q > 0); `q=0`
// refuses it.
bool accepts_gzip(std::optional<std::string_view> accept_encoding);
Exposition negotiate(std::optional<std::string_view> accept,
                     std::optional<std::string_view> accept_encoding);

std::string_view content_type(ExpositionFormat format) noexcept;
// "openmetrics" or "text"; "gzip" or "identity": label values of whm_transfer_scrapes_total.
std::string_view format_name(ExpositionFormat format) noexcept;
std::string_view encoding_name(bool gzip) noexcept;

}  // namespace wte::metrics
