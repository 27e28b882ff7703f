// ExporterMetrics: the exporter's own counters, histogram and gauges.
#include "metrics/exporter_metrics.hpp"

#include <doctest/doctest.h>

#include "metrics/exposition.hpp"
#include "metrics/metrics_text.hpp"

using wte::metrics::ExporterMetrics;
using wte::test::count_series;
using wte::test::Exposition;

namespace {

Exposition scrape(const ExporterMetrics& m) {
  return wte::test::parse_exposition(wte::metrics::render_metrics_text({&m}));
}

}  // namespace

TEST_CASE("a fresh exporter: build info, drop counters at 0, reload not yet successful") {
  const ExporterMetrics m("1.2.3", "abc123");
  const Exposition e = scrape(m);
  CHECK(e.at(R"(whm_transfer_exporter_build_info{revision="abc123",version="1.2.3"})") == "1");
  for (const auto limit : wte::metrics::kDropLimits) {
    CHECK(e.at("whm_transfer_dropped_total{limit=\"" + std::string(limit) + "\"}") == "0");
  }
  CHECK(e.at("whm_transfer_config_last_reload_successful") == "0");
  CHECK(e.count("whm_transfer_config_last_reload_success_timestamp_seconds") == 0);
  CHECK(count_series(e, "host=") == 0);
}

TEST_CASE("host_added creates every series of the host at 0") {
  ExporterMetrics m("v", "r");
  m.host_added("h1");
  const Exposition e = scrape(m);
  for (const auto reason : wte::metrics::kErrorReasons) {
    CAPTURE(reason);
    CHECK(e.at(R"(whm_transfer_host_errors_total{host="h1",reason=")" + std::string(reason) +
               "\"}") == "0");
  }
  CHECK(e.at(R"(whm_transfer_log_read_bytes_total{host="h1"})") == "0");
  CHECK(e.at(R"(whm_transfer_log_lines_total{host="h1"})") == "0");
  CHECK(e.at(R"(whm_transfer_log_malformed_lines_total{host="h1"})") == "0");
  CHECK(e.at(R"(whm_transfer_session_resets_total{host="h1"})") == "0");
  CHECK(e.at(R"(whm_transfer_host_tls_handshakes_total{host="h1"})") == "0");
  CHECK(e.at(R"(whm_transfer_host_poll_duration_seconds_count{host="h1"})") == "0");
  CHECK(e.at(R"(whm_transfer_host_poll_duration_seconds_bucket{host="h1",le="+Inf"})") == "0");
  // 8 reasons + 5 counters + 10 buckets, +Inf, _sum and _count.
  CHECK(count_series(e, R"(host="h1")") == 8 + 5 + 13);
}

TEST_CASE("counting what happens on a host") {
  ExporterMetrics m("v", "r");
  m.host_added("h1");
  m.request_failed("h1", "timeout");
  m.request_failed("h1", "timeout");
  m.request_failed("h1", "tls");
  m.ingested("h1", {.bytes = 4096, .lines = 17, .malformed = 2});
  m.ingested("h1", {.bytes = 1, .reset = true});
  m.tls_handshakes("h1", 2);
  m.poll_finished("h1", 0.3);
  m.poll_finished("h1", 100);
  m.request_failed("h2", "auth");  // a host not added yet is added on first use
  const Exposition e = scrape(m);
  CHECK(e.at(R"(whm_transfer_host_errors_total{host="h1",reason="timeout"})") == "2");
  CHECK(e.at(R"(whm_transfer_host_errors_total{host="h1",reason="tls"})") == "1");
  CHECK(e.at(R"(whm_transfer_host_errors_total{host="h1",reason="auth"})") == "0");
  CHECK(e.at(R"(whm_transfer_host_errors_total{host="h2",reason="auth"})") == "1");
  CHECK(e.at(R"(whm_transfer_host_errors_total{host="h2",reason="connect"})") == "0");
  CHECK(e.at(R"(whm_transfer_log_read_bytes_total{host="h1"})") == "4097");
  CHECK(e.at(R"(whm_transfer_log_lines_total{host="h1"})") == "17");
  CHECK(e.at(R"(whm_transfer_log_malformed_lines_total{host="h1"})") == "2");
  CHECK(e.at(R"(whm_transfer_session_resets_total{host="h1"})") == "1");
  CHECK(e.at(R"(whm_transfer_host_tls_handshakes_total{host="h1"})") == "2");
  const std::string h = R"(whm_transfer_host_poll_duration_seconds)";
  CHECK(e.at(h + R"(_bucket{host="h1",le="0.25"})") == "0");
  CHECK(e.at(h + R"(_bucket{host="h1",le="0.5"})") == "1");
  CHECK(e.at(h + R"(_bucket{host="h1",le="60"})") == "1");
  CHECK(e.at(h + R"(_bucket{host="h1",le="+Inf"})") == "2");
  CHECK(e.at(h + R"(_count{host="h1"})") == "2");
  CHECK(e.at(h + R"(_sum{host="h1"})") == "100.3");
  CHECK(e.count(h + R"(_bucket{host="h1",le="0.05"})") == 1);
}

TEST_CASE("host_removed removes every series of that host only") {
  ExporterMetrics m("v", "r");
  m.host_added("h1");
  m.host_added("h2");
  m.request_failed("h1", "api");
  m.poll_finished("h1", 1);
  m.host_removed("h1");
  m.host_removed("never-added");
  Exposition e = scrape(m);
  CHECK(count_series(e, R"(host="h1")") == 0);
  CHECK(count_series(e, R"(host="h2")") == 26);
  // Back in the config: it starts again from 0.
  m.host_added("h1");
  e = scrape(m);
  CHECK(e.at(R"(whm_transfer_host_errors_total{host="h1",reason="api"})") == "0");
}

TEST_CASE("drops, the local database and config reloads") {
  ExporterMetrics m("v", "r");
  m.dropped("item_series", 3);
  m.dropped("item_series", 1);
  m.dropped("connections", 1);
  m.database_read("/var/cpanel/whmxfer.sqlite", true);
  m.set_reload(false, 1700000000);
  Exposition e = scrape(m);
  CHECK(e.at(R"(whm_transfer_dropped_total{limit="item_series"})") == "4");
  CHECK(e.at(R"(whm_transfer_dropped_total{limit="connections"})") == "1");
  CHECK(e.at(R"(whm_transfer_dropped_total{limit="line_length"})") == "0");
  CHECK(e.at(R"(whm_transfer_local_database_up{path="/var/cpanel/whmxfer.sqlite"})") == "1");
  CHECK(e.at("whm_transfer_config_last_reload_successful") == "0");
  CHECK(e.count("whm_transfer_config_last_reload_success_timestamp_seconds") == 0);

  m.set_reload(true, 1700000100);
  m.database_read("/var/cpanel/whmxfer.sqlite", false);
  e = scrape(m);
  CHECK(e.at("whm_transfer_config_last_reload_successful") == "1");
  CHECK(e.at("whm_transfer_config_last_reload_success_timestamp_seconds") == "1700000100");
  CHECK(e.at(R"(whm_transfer_local_database_up{path="/var/cpanel/whmxfer.sqlite"})") == "0");

  m.set_reload(false, 1700000200);  // a failed reload keeps the last success time
  e = scrape(m);
  CHECK(e.at("whm_transfer_config_last_reload_successful") == "0");
  CHECK(e.at("whm_transfer_config_last_reload_success_timestamp_seconds") == "1700000100");
}
