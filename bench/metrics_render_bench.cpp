// /metrics: the time to render the whole exposition and its size, for about 1k, 10k and 100k
// series (target: 100k series in < 200 ms). The path is the handler's own:
// render_metrics_text({SessionCollector, ExporterMetrics}), over a StatusSource of many
// sessions spread over hosts, each holding the summary of a generated log (two queues, some
// failed items and items with dangerous items). The argument is the target series count in
// thousands; the session count is derived from the series one session yields, and the real
// series count (non-comment lines of the output) and bytes are reported as counters.
// BM_MetricsCollect times the first half alone: the families built, not yet serialized.
//   build-bench/bench/metrics_render_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "log/master_log.hpp"
#include "loggen/log_generator.hpp"
#include "loggen/session_id.hpp"
#include "metrics/exporter_metrics.hpp"
#include "metrics/metrics_text.hpp"
#include "metrics/session_collector.hpp"
#include "sources/status_source.hpp"

namespace {

constexpr std::size_t kSessionsPerHost = 100;
constexpr std::size_t kDistinctLogs = 8;

// Summaries of a few generated logs; sessions share them (the render reads, never writes).
std::vector<wte::log::MasterLog> make_logs() {
  std::vector<wte::log::MasterLog> logs(kDistinctLogs);
  const char* ends[] = {"COMPLETED", "RUNNING", "FAILED", "ABORTED"};
  for (std::size_t i = 0; i < kDistinctLogs; ++i) {
    wte::loggen::LogSpec spec;
    spec.style = wte::loggen::LogSpec::Style::mixed;
    spec.accounts = 10;
    spec.seed = 100 + i;
    spec.end_state = ends[i % 4];
    logs[i].feed(wte::loggen::generate_text(spec));
    logs[i].finish();
  }
  return logs;
}

class BenchSource : public wte::sources::StatusSource {
 public:
  BenchSource(const std::vector<wte::log::MasterLog>& logs, std::size_t sessions) : logs_(logs) {
    const std::size_t hosts = sessions / kSessionsPerHost + 1;
    for (std::size_t h = 0; h < hosts; ++h) {
      hosts_.push_back("whm-" + std::to_string(h) + ".example.com");
    }
    for (std::size_t s = 0; s < sessions; ++s) {
      const std::string& host = hosts_[s % hosts];
      ids_.push_back(wte::loggen::make_session_id(host, "copyacct", 1598991042 + 60 * s, s));
    }
  }
  const std::vector<std::string>& hosts() const { return hosts_; }

  void for_each_host(
      const std::function<void(const wte::sources::HostView&)>& visit) const override {
    for (const std::string& h : hosts_) {
      wte::sources::HostView v;
      v.name = h;
      v.kind = "remote";
      v.up = true;
      v.last_success_unix = 1598991042.5;
      v.last_poll_unix = 1598991042.5;
      v.sessions = ids_.size() / hosts_.size();
      visit(v);
    }
  }

  void for_each_session(
      const std::function<void(const wte::sources::SessionView&)>& visit) const override {
    for (std::size_t s = 0; s < ids_.size(); ++s) {
      const auto& log = logs_[s % logs_.size()];
      wte::sources::SessionView v{hosts_[s % hosts_.size()],
                                  ids_[s],
                                  std::nullopt,
                                  log.model(),
                                  1598991042.0 + static_cast<double>(s),
                                  false,
                                  ""};
      v.log_read = true;
      visit(v);
    }
  }

 private:
  const std::vector<wte::log::MasterLog>& logs_;
  std::vector<std::string> hosts_;
  std::vector<std::string> ids_;
};

// The exporter's whole /metrics answer for `sessions` sessions.
struct Scrape {
  BenchSource source;
  wte::metrics::ExporterMetrics metrics{"bench", "bench"};
  wte::metrics::SessionCollector collector{source};

  Scrape(const std::vector<wte::log::MasterLog>& logs, std::size_t sessions)
      : source(logs, sessions) {
    for (const auto& h : source.hosts()) metrics.host_added(h);
  }
  std::string render() const { return wte::metrics::render_metrics_text({&collector, &metrics}); }
};

std::size_t series_in(std::string_view text) {
  std::size_t n = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    if (!line.empty() && line.front() != '#') ++n;
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return n;
}

// Sessions for about `target` series, from the series of whole groups of the distinct logs.
std::size_t sessions_for(const std::vector<wte::log::MasterLog>& logs, std::size_t target) {
  const std::size_t base = series_in(Scrape(logs, 0).render());
  const std::size_t per_group = series_in(Scrape(logs, kDistinctLogs).render()) - base;
  return std::max<std::size_t>(1, (target - std::min(target, base)) * kDistinctLogs / per_group);
}

void BM_MetricsRender(benchmark::State& state) {
  static const std::vector<wte::log::MasterLog> logs = make_logs();
  const auto target = static_cast<std::size_t>(state.range(0)) * 1000;
  const std::size_t sessions = sessions_for(logs, target);
  const Scrape scrape(logs, sessions);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = scrape.render();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["series"] = static_cast<double>(series_in(scrape.render()));
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["sessions"] = static_cast<double>(sessions);
}

// The first half of a render alone: the families built, not yet serialized.
void BM_MetricsCollect(benchmark::State& state) {
  static const std::vector<wte::log::MasterLog> logs = make_logs();
  const auto target = static_cast<std::size_t>(state.range(0)) * 1000;
  const Scrape scrape(logs, sessions_for(logs, target));
  for (auto _ : state) {
    auto families = scrape.collector.Collect();
    auto own = scrape.metrics.Collect();
    benchmark::DoNotOptimize(families.data());
    benchmark::DoNotOptimize(own.data());
  }
}

}  // namespace

BENCHMARK(BM_MetricsRender)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MetricsCollect)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
