#include "metrics/exporter_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "metrics/label_value.hpp"

namespace wte::metrics {

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// The series of one host, kept so that the hot paths do not look labels up.
struct HostSeries {
  std::string label;  // the host label value
  std::map<std::string, Counter*, std::less<>> errors;
  Counter* read_bytes = nullptr;
  Counter* lines = nullptr;
  Counter* malformed = nullptr;
  Counter* resets = nullptr;
  Counter* tls_handshakes = nullptr;
  Histogram* poll = nullptr;
};

Family<Counter>& counter(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}
Family<Gauge>& gauge(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

}  // namespace

struct ExporterMetrics::State {
  prometheus::Registry registry;
  Family<Counter>& errors = counter(registry, "whm_transfer_host_errors_total",
                                    "Failed requests to the host, by reason.");
  Family<Counter>& read_bytes =
      counter(registry, "whm_transfer_log_read_bytes_total", "Log bytes fed to the engine.");
  Family<Counter>& lines =
      counter(registry, "whm_transfer_log_lines_total", "Well-formed log lines parsed.");
  Family<Counter>& malformed =
      counter(registry, "whm_transfer_log_malformed_lines_total", "Malformed log lines skipped.");
  Family<Counter>& resets = counter(registry, "whm_transfer_session_resets_total",
                                    "Logs that shrank or changed their beginning and were read "
                                    "again from byte 0.");
  Family<Counter>& tls_handshakes =
      counter(registry, "whm_transfer_host_tls_handshakes_total",
              "TLS handshakes completed with the host; a kept-alive connection adds none.");
  Family<Histogram>& poll =
      prometheus::BuildHistogram()
          .Name("whm_transfer_host_poll_duration_seconds")
          .Help("Duration of each poll of the host (all requests of one round).")
          .Register(registry);
  Family<Counter>& dropped =
      counter(registry, "whm_transfer_dropped_total", "Things dropped by a limit.");
  Family<Gauge>& database_up = gauge(registry, "whm_transfer_local_database_up",
                                     "1 when whmxfer.sqlite was read on the last local poll.");
  Family<Gauge>& reload_ok = gauge(registry, "whm_transfer_config_last_reload_successful",
                                   "1 if the last config load succeeded.");
  Family<Gauge>& reload_time =
      gauge(registry, "whm_transfer_config_last_reload_success_timestamp_seconds",
            "When the config was last loaded successfully.");
  Family<Counter>& scrapes = counter(registry, "whm_transfer_scrapes_total",
                                     "Responses of /metrics, by format and content encoding.");
  Family<Gauge>& build_info =
      gauge(registry, "whm_transfer_exporter_build_info", "Always 1; the exporter's version.");

  std::mutex mutex;  // guards `hosts`; the series themselves are atomic
  std::map<std::string, HostSeries, std::less<>> hosts;

  // The host's series, created at 0 on first use. Call with `mutex` held.
  HostSeries& host(std::string_view name) {
    if (auto it = hosts.find(name); it != hosts.end()) return it->second;
    HostSeries h;
    h.label = label_value(name);
    const prometheus::Labels labels{{"host", h.label}};
    h.read_bytes = &read_bytes.Add(labels);
    h.lines = &lines.Add(labels);
    h.malformed = &malformed.Add(labels);
    h.resets = &resets.Add(labels);
    h.tls_handshakes = &tls_handshakes.Add(labels);
    h.poll = &poll.Add(labels, Histogram::BucketBoundaries(kPollDurationBuckets.begin(),
                                                           kPollDurationBuckets.end()));
    HostSeries& added = hosts.emplace(std::string(name), std::move(h)).first->second;
    for (const std::string_view reason : kErrorReasons) error(added, reason);
    return added;
  }

  // The host's counter for `reason`; a reason outside kErrorReasons is added as it comes.
  Counter& error(HostSeries& h, std::string_view reason) {
    if (auto it = h.errors.find(reason); it != h.errors.end()) return *it->second;
    Counter& c = errors.Add({{"host", h.label}, {"reason", label_value(reason)}});
    h.errors.emplace(std::string(reason), &c);
    return c;
  }

  // Family::Add returns the existing series for known labels.
  Counter& scrape(const Exposition& e) {
    return scrapes.Add({{"format", std::string(format_name(e.format))},
                        {"encoding", std::string(encoding_name(e.gzip))}});
  }

  void forget(std::string_view name) {
    const auto it = hosts.find(name);
    if (it == hosts.end()) return;
    HostSeries& h = it->second;
    for (const auto& [reason, c] : h.errors) errors.Remove(c);
    read_bytes.Remove(h.read_bytes);
    lines.Remove(h.lines);
    malformed.Remove(h.malformed);
    resets.Remove(h.resets);
    tls_handshakes.Remove(h.tls_handshakes);
    poll.Remove(h.poll);
    hosts.erase(it);
  }
};

ExporterMetrics::ExporterMetrics(std::string_view version, std::string_view revision)
    : state_(std::make_unique<State>()) {
  state_->build_info.Add({{"version", label_value(version)}, {"revision", label_value(revision)}})
      .Set(1);
  for (const std::string_view limit : kDropLimits) {
    state_->dropped.Add({{"limit", std::string(limit)}});
  }
  state_->reload_ok.Add({}).Set(0);
  for (const auto format : {ExpositionFormat::text, ExpositionFormat::openmetrics}) {
    for (const bool gzip : {false, true}) state_->scrape(Exposition{format, gzip});
  }
}

ExporterMetrics::~ExporterMetrics() = default;

void ExporterMetrics::host_added(std::string_view host) {
  const std::lock_guard lock(state_->mutex);
  state_->host(host);
}

void ExporterMetrics::host_removed(std::string_view host) {
  const std::lock_guard lock(state_->mutex);
  state_->forget(host);
}

void ExporterMetrics::ingested(std::string_view host, const sources::IngestReport& report) {
  {
    const std::lock_guard lock(state_->mutex);
    HostSeries& h = state_->host(host);
    h.read_bytes->Increment(static_cast<double>(report.bytes));
    h.lines->Increment(static_cast<double>(report.lines));
    h.malformed->Increment(static_cast<double>(report.malformed));
    if (report.reset) h.resets->Increment();
  }
  if (report.overlong > 0) dropped("line_length", report.overlong);
}

void ExporterMetrics::request_failed(std::string_view host, std::string_view reason) {
  const std::lock_guard lock(state_->mutex);
  state_->error(state_->host(host), reason).Increment();
}

void ExporterMetrics::poll_finished(std::string_view host, double seconds) {
  const std::lock_guard lock(state_->mutex);
  state_->host(host).poll->Observe(seconds);
}

void ExporterMetrics::tls_handshakes(std::string_view host, std::uint64_t count) {
  const std::lock_guard lock(state_->mutex);
  state_->host(host).tls_handshakes->Increment(static_cast<double>(count));
}

void ExporterMetrics::dropped(std::string_view limit, std::uint64_t count) {
  // Family::Add returns the existing series for known labels: no lookup table needed here.
  state_->dropped.Add({{"limit", label_value(limit)}}).Increment(static_cast<double>(count));
}

void ExporterMetrics::database_read(std::string_view path, bool ok) {
  state_->database_up.Add({{"path", label_value(path)}}).Set(ok ? 1 : 0);
}

void ExporterMetrics::record_scrape(const Exposition& exposition) {
  state_->scrape(exposition).Increment();
}

void ExporterMetrics::set_reload(bool ok, double unix_time) {
  state_->reload_ok.Add({}).Set(ok ? 1 : 0);
  if (ok) state_->reload_time.Add({}).Set(unix_time);
}

std::vector<prometheus::MetricFamily> ExporterMetrics::Collect() const {
  return state_->registry.Collect();
}

}  // namespace wte::metrics
