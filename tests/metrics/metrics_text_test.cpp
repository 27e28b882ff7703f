// The whole exposition: content type, null collectables, and `promtool check metrics` on a
// scrape full of hostile data.
#include "metrics/metrics_text.hpp"

#include <doctest/doctest.h>
#include <prometheus/text_serializer.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "log/log_builder.hpp"
#include "metrics/exporter_metrics.hpp"
#include "metrics/gzip.hpp"
#include "metrics/process_collector.hpp"
#include "metrics/session_collector.hpp"
#include "support/fake_status_source.hpp"
#include "support/temp_dir.hpp"
#include "support/test_files.hpp"
#include "text/utf8.hpp"

namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

struct PromtoolResult {
  int exit_code = -1;
  std::string output;
};

PromtoolResult promtool_check(const std::string& exposition) {
  REQUIRE_MESSAGE(std::filesystem::exists(kPromtool),
                  "promtool is needed (Debian package prometheus, scripts/install-deps)");
  const wte::test::TempDir dir;
  const std::string in = dir.write("exposition.txt", exposition);
  const std::string out = (dir.path() / "promtool.out").string();
  const std::string command =
      std::string(kPromtool) + " check metrics < '" + in + "' > '" + out + "' 2>&1";
  const int status = std::system(command.c_str());
  PromtoolResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = wte::test::read_file(out);
  return r;
}

// A source with everything at once: two hosts, fixtures, unknown states, hostile names.
wte::test::FakeStatusSource busy_source() {
  wte::test::FakeStatusSource src;
  auto& h1 = src.add_host("h1");
  h1.last_success = 1700000000;
  h1.sessions = 3;
  auto& h2 = src.add_host("bad \"host\"\n\\\xFF");
  h2.up = false;
  h2.tls_insecure = true;
  auto& a = src.add_session("h1", "s1", wte::test::fixture_log("openapi-2020-failed-root.log"));
  a.api_state = "SOMETHING_NEW";
  a.last_change = 1700000000.25;
  src.add_session("h1", "s2", wte::test::fixture_log("seed-2014-three-accounts.log"));
  std::string log = wte::test::control("start");
  log += wte::test::worker("failed-item", "RESTORE", R"(<script>\"\\\n\u0001)",
                           R"({"failure":"multi\nline\u0000 \"quoted\" \\ )" +
                               std::string(400, 'z') + R"(","dangerous_items":2})");
  log += "not json at all\n";
  src.add_session("bad \"host\"\n\\\xFF", "s\xC3(\n", log);
  // Running, with times: a rate and an estimated completion.
  src.add_session("h1", "s4",
                  wte::test::control("start", "null", R"(,"time":1700000000)") +
                      wte::test::queue_line("queue_count", "RESTORE", "3") +
                      wte::test::worker("start", "RESTORE", "a", "null", R"(,"time":1700000100)") +
                      wte::test::worker("success-item", "RESTORE", "a", R"({"size":9})",
                                        R"(,"time":1700000600)"));
  return src;
}

}  // namespace

TEST_CASE("the content type of the text format") {
  CHECK(wte::metrics::kContentType == "text/plain; version=0.0.4; charset=utf-8");
}

TEST_CASE("null collectables are skipped; families keep the collectables' order") {
  wte::test::FakeStatusSource src;
  src.add_host("h1");
  const wte::metrics::SessionCollector c(src);
  const wte::metrics::ExporterMetrics m("v", "r");
  const std::string text = wte::metrics::render_metrics_text({nullptr, &c, &m});
  const auto host_up = text.find("# TYPE whm_transfer_host_up gauge");
  const auto build = text.find("# TYPE whm_transfer_exporter_build_info gauge");
  REQUIRE(host_up != std::string::npos);
  REQUIRE(build != std::string::npos);
  CHECK(host_up < build);
  CHECK(text.find("# HELP whm_transfer_host_up ") != std::string::npos);
  CHECK(wte::metrics::render_metrics_text({}).empty());
}

TEST_CASE("promtool check metrics accepts a scrape with hostile data") {
  const auto src = busy_source();
  wte::metrics::ExporterMetrics m("1.0.0", "deadbeef");
  m.host_added("h1");
  m.request_failed("h1", "timeout");
  m.poll_finished("h1", 0.42);
  m.dropped("item_series", 2);
  m.database_read("/var/cpanel/whmxfer.sqlite", true);
  m.set_reload(true, 1700000000);
  const wte::metrics::SessionCollector c(src, 1);
  const std::string text = wte::metrics::render_metrics_text({&c, &m});
  CHECK(wte::text::is_valid_utf8(text));
  CHECK(text.find("<script>\\\"\\\\\\n\x01") != std::string::npos);  // escaped, control kept
  // Cap 1: s1 has two failed items, the hostile one is failed and dangerous; of its two
  // account series (the hostile account failed, and with dangerous items) one is left out.
  CHECK(c.last_dropped() == 3);
  // Every family of the session model is in it, the histograms and the estimate too.
  for (const char* family :
       {"whm_transfer_session_accounts_per_hour{", "whm_transfer_queue_bytes_per_hour{",
        "whm_transfer_session_estimated_completion_timestamp_seconds{",
        "whm_transfer_queue_account_duration_seconds_bucket{", "whm_transfer_account_failed{",
        "whm_transfer_account_dangerous_items{", "whm_transfer_session_accounts_remaining{"}) {
    CAPTURE(family);
    CHECK(text.find(family) != std::string::npos);
  }

  const PromtoolResult r = promtool_check(text);
  INFO("promtool said:\n", r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.empty());  // no lint problem either
}

TEST_CASE("serialize_text writes what prometheus-cpp's TextSerializer writes, byte for byte") {
  using prometheus::ClientMetric;
  using prometheus::MetricFamily;
  using prometheus::MetricType;
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> values = {
      0.0,     -0.0,         0.5,          1,       42,       -7,
      1e20,    1e21,         1e-7,         1.0 / 3, 2.5e-300, 1598991042.5,
      1.2e300, 300749999999, std::nan(""), inf,     -inf,     123456789012345678.0};
  std::vector<MetricFamily> families;
  for (const MetricType type : {MetricType::Counter, MetricType::Gauge, MetricType::Untyped}) {
    MetricFamily f;
    f.name = "wte_test_" + std::to_string(static_cast<int>(type));
    f.help = "Help with \\ and \"quotes\".";
    f.type = type;
    for (const double v : values) {
      ClientMetric m;
      m.label = {{"a", "plain"}, {"b", "q\"\\\nz\xC3\xA9"}};
      m.counter.value = m.gauge.value = m.untyped.value = v;
      f.metric.push_back(m);
    }
    ClientMetric bare;  // no labels, a timestamp
    bare.gauge.value = bare.counter.value = 3;
    bare.timestamp_ms = 1700000000123;
    f.metric.push_back(bare);
    families.push_back(f);
  }
  MetricFamily h;
  h.name = "wte_test_histogram";
  h.type = MetricType::Histogram;
  ClientMetric hm;
  hm.label = {{"host", "h\"1"}};
  hm.histogram.sample_count = 5;
  hm.histogram.sample_sum = 0.42;
  hm.histogram.bucket = {{1, 0.05}, {3, 0.1}, {5, 2.5}};
  h.metric.push_back(hm);
  ClientMetric with_inf;  // the last bucket already +Inf: no second one
  with_inf.histogram.sample_count = 2;
  with_inf.histogram.bucket = {{1, 1}, {2, inf}};
  h.metric.push_back(with_inf);
  families.push_back(h);
  MetricFamily s;
  s.name = "wte_test_summary";
  s.type = MetricType::Summary;
  ClientMetric sm;
  sm.summary.sample_count = 9;
  sm.summary.sample_sum = 12.25;
  sm.summary.quantile = {{0.5, 1.5}, {0.99, 7}};
  s.metric.push_back(sm);
  families.push_back(s);
  families.push_back(MetricFamily{"wte_test_empty", "", MetricType::Gauge, {}});

  CHECK(wte::metrics::serialize_text(families) == prometheus::TextSerializer().Serialize(families));
  CHECK(wte::metrics::serialize_text({}).empty());

  // And a whole scrape full of hostile data.
  const auto src = busy_source();
  wte::metrics::ExporterMetrics m("1.0.0", "deadbeef");
  m.host_added("h1");
  m.poll_finished("h1", 0.42);
  const wte::metrics::SessionCollector c(src);
  auto scrape = c.Collect();
  for (auto& f : m.Collect()) scrape.push_back(std::move(f));
  CHECK(wte::metrics::serialize_text(scrape) == prometheus::TextSerializer().Serialize(scrape));
}

TEST_CASE("the promtool check can fail (it is not a no-op)") {
  const PromtoolResult r =
      promtool_check("# TYPE whm_transfer_broken counter\nwhm_transfer_broken{a=\"x} 1\n");
  CHECK(r.exit_code != 0);
}

TEST_CASE("the process_* metrics are promtool-clean next to the others") {
  wte::metrics::ExporterMetrics m("1.0.0", "deadbeef");
  const wte::metrics::ProcessCollector process;
  const std::string text = wte::metrics::render_metrics_text({&m, &process});
  for (const char* name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
                           "process_virtual_memory_bytes ", "process_open_fds ", "process_max_fds ",
                           "process_start_time_seconds "}) {
    CAPTURE(name);
    CHECK(text.find(std::string("\n") + name) != std::string::npos);
  }
  const PromtoolResult r = promtool_check(text);
  INFO("promtool said:\n", r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.empty());
}

namespace {

prometheus::ClientMetric labelled(std::string name, std::string value) {
  prometheus::ClientMetric m;
  m.label = {{std::move(name), std::move(value)}};
  return m;
}

}  // namespace

TEST_CASE("OpenMetrics: _total on counters' samples only, # UNIT, unknown, # EOF") {
  using prometheus::MetricFamily;
  using prometheus::MetricType;
  std::vector<MetricFamily> families;
  MetricFamily counter{
      "whm_transfer_log_read_bytes_total", "Log bytes fed to the engine.", MetricType::Counter, {}};
  auto c = labelled("host", "h\"1\n");
  c.counter.value = 1024;
  counter.metric.push_back(c);
  families.push_back(counter);
  MetricFamily bare_counter{
      "wte_events", "Help with \\ and \"quotes\"\nand a line.", MetricType::Counter, {}};
  prometheus::ClientMetric b;
  b.counter.value = 3;
  b.timestamp_ms = 1700000000123;
  bare_counter.metric.push_back(b);
  families.push_back(bare_counter);
  MetricFamily gauge{"whm_transfer_queue_progress_ratio", "", MetricType::Gauge, {}};
  auto g = labelled("queue", "RESTORE");
  g.gauge.value = std::nan("");
  gauge.metric.push_back(g);
  families.push_back(gauge);
  MetricFamily untyped{"wte_thing", "", MetricType::Untyped, {}};
  prometheus::ClientMetric u;
  u.untyped.value = -std::numeric_limits<double>::infinity();
  untyped.metric.push_back(u);
  families.push_back(untyped);
  MetricFamily h{
      "whm_transfer_host_poll_duration_seconds", "Poll duration.", MetricType::Histogram, {}};
  auto hm = labelled("host", "h1");
  hm.histogram.sample_count = 5;
  hm.histogram.sample_sum = 0.42;
  hm.histogram.bucket = {{1, 0.05}, {3, 1}, {5, 2.5}};
  h.metric.push_back(hm);
  families.push_back(h);
  MetricFamily s{"wte_latency_seconds", "", MetricType::Summary, {}};
  prometheus::ClientMetric sm;
  sm.summary.sample_count = 9;
  sm.summary.sample_sum = 12.25;
  sm.summary.quantile = {{0.5, 1.5}, {1, 7}};
  s.metric.push_back(sm);
  families.push_back(s);

  CHECK(wte::metrics::serialize_openmetrics(families) ==
        "# HELP whm_transfer_log_read_bytes Log bytes fed to the engine.\n"
        "# TYPE whm_transfer_log_read_bytes counter\n"
        "# UNIT whm_transfer_log_read_bytes bytes\n"
        "whm_transfer_log_read_bytes_total{host=\"h\\\"1\\n\"} 1024\n"
        "# HELP wte_events Help with \\\\ and \\\"quotes\\\"\\nand a line.\n"
        "# TYPE wte_events counter\n"
        "wte_events_total 3 1700000000.123\n"
        "# TYPE whm_transfer_queue_progress_ratio gauge\n"
        "# UNIT whm_transfer_queue_progress_ratio ratio\n"
        "whm_transfer_queue_progress_ratio{queue=\"RESTORE\"} NaN\n"
        "# TYPE wte_thing unknown\n"
        "wte_thing -Inf\n"
        "# HELP whm_transfer_host_poll_duration_seconds Poll duration.\n"
        "# TYPE whm_transfer_host_poll_duration_seconds histogram\n"
        "# UNIT whm_transfer_host_poll_duration_seconds seconds\n"
        "whm_transfer_host_poll_duration_seconds_bucket{host=\"h1\",le=\"0.05\"} 1\n"
        "whm_transfer_host_poll_duration_seconds_bucket{host=\"h1\",le=\"1.0\"} 3\n"
        "whm_transfer_host_poll_duration_seconds_bucket{host=\"h1\",le=\"2.5\"} 5\n"
        "whm_transfer_host_poll_duration_seconds_bucket{host=\"h1\",le=\"+Inf\"} 5\n"
        "whm_transfer_host_poll_duration_seconds_sum{host=\"h1\"} 0.42\n"
        "whm_transfer_host_poll_duration_seconds_count{host=\"h1\"} 5\n"
        "# TYPE wte_latency_seconds summary\n"
        "# UNIT wte_latency_seconds seconds\n"
        "wte_latency_seconds{quantile=\"0.5\"} 1.5\n"
        "wte_latency_seconds{quantile=\"1.0\"} 7\n"
        "wte_latency_seconds_sum 12.25\n"
        "wte_latency_seconds_count 9\n"
        "# EOF\n");
  CHECK(wte::metrics::serialize_openmetrics({}) == "# EOF\n");
}

TEST_CASE("OpenMetrics of a whole hostile scrape: no _created, promtool parses it") {
  const auto src = busy_source();
  wte::metrics::ExporterMetrics m("1.0.0", "deadbeef");
  m.host_added("h1");
  m.poll_finished("h1", 0.42);
  const wte::metrics::SessionCollector c(src);
  const wte::metrics::ProcessCollector process;
  const std::string om = wte::metrics::render_metrics(
      {&c, &m, &process}, {wte::metrics::ExpositionFormat::openmetrics, false});
  CHECK(wte::text::is_valid_utf8(om));
  CHECK(om.ends_with("\n# EOF\n"));
  CHECK(om.find("_created") == std::string::npos);
  CHECK(om.find("# TYPE whm_transfer_host_errors counter\n") != std::string::npos);
  CHECK(om.find("# TYPE process_cpu_seconds counter\n# UNIT process_cpu_seconds seconds\n") !=
        std::string::npos);
  CHECK(om.find("\nprocess_cpu_seconds_total ") != std::string::npos);
  // promtool reads the text format only: it must parse this (exit 1 is a parse error), and
  // may only complain that counters' families are not named *_total, as OpenMetrics wants.
  const PromtoolResult r = promtool_check(om);
  INFO("promtool said:\n", r.output);
  CHECK(r.exit_code != 1);
  CHECK(r.output.find("error while linting") == std::string::npos);

  const std::string gz =
      wte::metrics::render_metrics({&c, &m}, {wte::metrics::ExpositionFormat::text, true});
  CHECK(wte::metrics::gzip_decompress(gz) == wte::metrics::render_metrics_text({&c, &m}));
}
