// Local mode: the cost of one poll that finds 1 KB appended to a session log, for a 200 MB
// log and a 2 MB one. The tailer keeps an offset, so both should cost the same: a stat, a
// head check and one read of the new kilobyte. Also: a quiet poll (nothing new), and one
// whole LocalSource poll (database, folder listing, tail) of a tree holding the big log.
// The logs are generated once into a temp dir and read once before timing; only the polls
// are timed (manual time), the appends are not.
//   build/bench/local_poll_bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "local/local_source.hpp"
#include "local/log_tailer.hpp"
#include "loggen/log_generator.hpp"
#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"
#include "session_tree/session_tree.hpp"
#include "sources/tracked_session.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A temp folder holding one session folder per log size; removed at exit.
class Workspace {
 public:
  Workspace() {
    std::string pattern = (fs::temp_directory_path() / "wte_local_bench_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~Workspace() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  // <root>/<name>/.master.log holding a generated log of about `bytes`, made once.
  fs::path session(const std::string& name, std::size_t bytes) {
    const fs::path dir = root_ / name;
    if (fs::exists(dir / ".master.log")) return dir;
    fs::create_directories(dir);
    std::ofstream out(dir / ".master.log", std::ios::binary);
    wte::loggen::LogSpec spec;
    spec.target_bytes = bytes;
    spec.seed = 11;
    wte::loggen::generate(spec, [&](std::string_view line) { out << line << '\n'; });
    return dir;
  }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

Workspace& workspace() {
  static Workspace w;
  return w;
}

// One well-formed master-log line of exactly 1024 bytes with its newline.
const std::string& kilobyte_line() {
  static const std::string line = [] {
    const std::string head =
        R"({"pid":4242,"type":"control","indent":1,"partial":0,"contents":{"action":"process-item",)"
        R"("queue":"TRANSFER","item":"bench","time":1598991042,"msg":")";
    const std::string tail = "\"}}\n";
    return head + std::string(1024 - head.size() - tail.size(), 'x') + tail;
  }();
  return line;
}

void append_kilobyte(const fs::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << kilobyte_line();
}

double elapsed(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void BM_TailerPollNewKilobyte(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0)) << 20;
  const fs::path dir = workspace().session("tail_" + std::to_string(state.range(0)), bytes);
  wte::sources::TrackedSession session("bench", "s");
  wte::local::LogTailer tailer(dir);
  tailer.poll(session, 0);  // the whole log, once, untimed
  state.counters["log_MB"] = static_cast<double>(session.offset()) / (1 << 20);
  for (auto _ : state) {
    append_kilobyte(dir / ".master.log");
    const auto start = Clock::now();
    const auto r = tailer.poll(session, 1);
    state.SetIterationTime(elapsed(start));
    if (r.report.bytes != 1024) state.SkipWithError("the poll did not read exactly 1 KB");
  }
}

void BM_TailerPollQuiet(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0)) << 20;
  const fs::path dir = workspace().session("tail_" + std::to_string(state.range(0)), bytes);
  wte::sources::TrackedSession session("bench", "s");
  wte::local::LogTailer tailer(dir);
  tailer.poll(session, 0);
  for (auto _ : state) {
    const auto start = Clock::now();
    const auto r = tailer.poll(session, 1);
    state.SetIterationTime(elapsed(start));
    benchmark::DoNotOptimize(r.report.bytes);
  }
}

// A whole LocalSource poll of a session tree (whmxfer.sqlite + one session folder).
void BM_LocalSourcePollNewKilobyte(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0)) << 20;
  const fs::path root = workspace().root() / ("tree_" + std::to_string(state.range(0)));
  fs::remove_all(root);  // a fresh tree for each repetition
  wte::session_tree::TreeSpec spec;
  spec.dir = root;
  spec.sessions = 1;
  wte::session_tree::SessionTree tree(spec);
  tree.advance(0, 1);  // RUNNING in the database
  const fs::path log = tree.session_dir(0) / ".master.log";
  fs::remove(log);
  fs::copy_file(
      workspace().session("tail_" + std::to_string(state.range(0)), bytes) / ".master.log", log);
  boost::asio::io_context io;
  wte::metrics::ExporterMetrics metrics("bench", "bench");
  std::ostringstream sink;
  wte::logging::Logger logger(sink, wte::logging::Level::warn);
  wte::local::LocalSettings settings;
  settings.path = root.string();
  settings.inotify = false;
  const wte::sources::SystemClock clock;
  auto source = std::make_shared<wte::local::LocalSource>(
      wte::sources::SourceContext{io, metrics, logger, clock}, settings);
  source->poll_now();  // the whole log, once, untimed
  for (auto _ : state) {
    append_kilobyte(log);
    const auto start = Clock::now();
    source->poll_now();
    state.SetIterationTime(elapsed(start));
  }
}

// 200 MB and 2 MB logs; a bounded number of iterations, since each one grows the log.
BENCHMARK(BM_TailerPollNewKilobyte)
    ->Arg(200)
    ->Arg(2)
    ->UseManualTime()
    ->Iterations(5000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TailerPollQuiet)->Arg(200)->Arg(2)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LocalSourcePollNewKilobyte)
    ->Arg(200)
    ->Arg(2)
    ->UseManualTime()
    ->Iterations(2000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
