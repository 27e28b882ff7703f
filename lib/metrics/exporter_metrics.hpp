#pragma once
// The exporter's own counters, histograms and gauges (METRICS.md, "The exporter's own"), in a
// prometheus::Registry. It is the sources' Recorder: they report what happened and it counts;
// the registry is a Collectable rendered next to SessionCollector. Safe to call from any
// thread.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sources/recorder.hpp"
#include "metrics/negotiation.hpp"

namespace wte::metrics {

// The `reason` label values of whm_transfer_host_errors_total (whm::ErrorReason).
inline constexpr std::array<std::string_view, 8> kErrorReasons = {
    "timeout", "connect", "tls", "auth", "http", "api", "bad_response", "too_large"};
// The `limit` label values of whm_transfer_dropped_total.
inline constexpr std::array<std::string_view, 5> kDropLimits = {
    "line_length", "response_size", "sessions_per_host", "item_series", "connections"};
// Upper bounds of whm_transfer_host_poll_duration_seconds, in seconds.
inline constexpr std::array<double, 10> kPollDurationBuckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                                2.5,  5,   10,   30,  60};

class ExporterMetrics : public prometheus::Collectable, public sources::Recorder {
 public:
  ExporterMetrics(std::string_view version, std::string_view revision);
  ~ExporterMetrics() override;
  ExporterMetrics(const ExporterMetrics&) = delete;
  ExporterMetrics& operator=(const ExporterMetrics&) = delete;

  // Creates the host's series at 0 (every error reason too), so rate() works from the
  // first event. The per-host methods below add a host they have not seen.
  void host_added(std::string_view host) override;
  // Removes every series of the host: it has left the config.
  void host_removed(std::string_view host) override;
  // Bytes, lines and malformed lines read, resets, and lines over the length limit (counted
  // as dropped{limit="line_length"}).
  void ingested(std::string_view host, const sources::IngestReport& report) override;
  void request_failed(std::string_view host, std::string_view reason) override;
  void poll_finished(std::string_view host, double seconds) override;
  // TLS handshakes completed with the host: one per new connection, none on keep-alive reuse.
  void tls_handshakes(std::string_view host, std::uint64_t count) override;
  void dropped(std::string_view limit, std::uint64_t count) override;
  void database_read(std::string_view path, bool ok) override;

  // One /metrics response in that format and encoding.
  void record_scrape(const Exposition& exposition);
  // The outcome of a config (re)load at `unix_time`; the success timestamp moves only on success.
  void set_reload(bool ok, double unix_time);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wte::metrics
