// The landing page at the scale of a big migration: 500 sessions of 40 accounts (20,000
// accounts) on 25 hosts (target: rendered server-side in < 50 ms; the first screen < 100 KB).
//   BM_LandingPage           the handler's whole work: the /api/v1/sessions document of a
//                            StatusSource of 500 sessions, each the summary of a generated log
//                            (loggen, some accounts failed, some with dangerous items), read
//                            back and drawn (render_landing_page(source, context));
//   BM_LandingPageDocument   the page drawn from a document with every field of the cockpit
//                            contract filled (tests/status/big_cockpit_document.hpp): reading
//                            the document, grouping the failed accounts, drawing;
//   BM_SessionsDocumentLean  what the page's script fetches every few seconds:
//                            GET /api/v1/sessions?items=0.
// Counters: the page's bytes (what the browser downloads for the first screen) and the
// document's.
//   build-bench/bench/landing_page_bench
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <vector>

#include "log/master_log.hpp"
#include "loggen/log_generator.hpp"
#include "loggen/session_id.hpp"
#include "sources/status_source.hpp"
#include "status/big_cockpit_document.hpp"
#include "status/landing_page.hpp"
#include "status/sessions_json.hpp"

namespace {

constexpr std::size_t kHosts = 25;
constexpr std::size_t kSessionsPerHost = 20;
constexpr std::size_t kAccounts = 40;
constexpr std::size_t kDistinctLogs = 25;
constexpr double kNow = 1598991042 + 86400;

// Summaries of generated logs; sessions share them (rendering reads, never writes).
std::vector<wte::log::MasterLog> make_logs() {
  std::vector<wte::log::MasterLog> logs(kDistinctLogs);
  const char* ends[] = {"COMPLETED", "RUNNING", "RUNNING", "COMPLETED", "FAILED"};
  for (std::size_t i = 0; i < kDistinctLogs; ++i) {
    wte::loggen::LogSpec spec;
    spec.style = wte::loggen::LogSpec::Style::mixed;
    spec.accounts = kAccounts;
    spec.seed = 500 + i;
    spec.end_state = ends[i % 5];
    logs[i].feed(wte::loggen::generate_text(spec));
    logs[i].finish();
  }
  return logs;
}

class MigrationSource : public wte::sources::StatusSource {
 public:
  explicit MigrationSource(const std::vector<wte::log::MasterLog>& logs) : logs_(logs) {
    for (std::size_t h = 0; h < kHosts; ++h)
      hosts_.push_back(wte::test::big_cockpit_detail::numbered("sim", h));
    for (std::size_t s = 0; s < kHosts * kSessionsPerHost; ++s) {
      ids_.push_back(
          wte::loggen::make_session_id(wte::test::big_cockpit_detail::numbered("old", s % kHosts),
                                       "copyacct", 1598991042 + 60 * s, s));
    }
  }

  void for_each_host(
      const std::function<void(const wte::sources::HostView&)>& visit) const override {
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      wte::sources::HostView v;
      v.name = hosts_[h];
      v.kind = "remote";
      v.up = h != 7;  // one host down
      v.polled = true;
      v.last_poll_unix = kNow - 1;
      if (v.up) v.last_success_unix = kNow - 1;
      v.last_error_reason = v.up ? "" : "connect";
      v.last_error_message = v.up ? "" : "connection refused";
      v.sessions = kSessionsPerHost;
      visit(v);
    }
  }

  void for_each_session(
      const std::function<void(const wte::sources::SessionView&)>& visit) const override {
    for (std::size_t s = 0; s < ids_.size(); ++s) {
      wte::sources::SessionView v{hosts_[s % kHosts],
                                  ids_[s],
                                  std::nullopt,
                                  logs_[s % logs_.size()].model(),
                                  kNow - 5,
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

wte::status::PageContext context() {
  wte::status::PageContext c;
  c.version = "bench";
  c.now_unix = kNow;
  return c;
}

void BM_LandingPage(benchmark::State& state) {
  static const std::vector<wte::log::MasterLog> logs = make_logs();
  const MigrationSource source(logs);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string page = wte::status::render_landing_page(source, context());
    bytes = page.size();
    benchmark::DoNotOptimize(page.data());
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
  state.counters["sessions"] = static_cast<double>(kHosts * kSessionsPerHost);
  state.counters["accounts"] = static_cast<double>(kHosts * kSessionsPerHost * kAccounts);
}

void BM_LandingPageDocument(benchmark::State& state) {
  const std::string doc = wte::test::big_cockpit_document(
      {.hosts = kHosts, .sessions_per_host = kSessionsPerHost, .accounts = kAccounts, .now = kNow});
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string page = wte::status::render_landing_page(doc, context());
    bytes = page.size();
    benchmark::DoNotOptimize(page.data());
  }
  state.counters["page_bytes"] = static_cast<double>(bytes);
  state.counters["document_bytes"] = static_cast<double>(doc.size());
}

void BM_SessionsDocumentLean(benchmark::State& state) {
  static const std::vector<wte::log::MasterLog> logs = make_logs();
  const MigrationSource source(logs);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string doc = wte::status::sessions_json(source, {.items = false});
    bytes = doc.size();
    benchmark::DoNotOptimize(doc.data());
  }
  state.counters["document_bytes"] = static_cast<double>(bytes);
  state.counters["full_document_bytes"] =
      static_cast<double>(wte::status::sessions_json(source).size());
}

}  // namespace

BENCHMARK(BM_LandingPage)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LandingPageDocument)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SessionsDocumentLean)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
