// Remote mode: the CPU cost of one poll of one session whose log is 1, 10 or 100 MB and has
// grown by about 1 KB since the last poll. WHM's fetch_transfer_session_log sends the whole
// log in a JSON envelope every time, so the floor is one pass over the body: receiving it
// and the in-situ unescape of data.log. Past that, nothing may grow with the old part of the
// log: the session skips the bytes it already fed (head and tail fingerprints only) and the
// engine sees the new kilobyte alone.
//
//   BM_RemotePoll        the daemon's path for one poll: the body copied into a fresh buffer
//                        (as the socket delivers it), whm::parse_log_response (in situ), then
//                        TrackedSession::ingest_whole_log, which feeds the new ~1 KB.
//   BM_BodyMemcpy        the anchor: the same copy of the same body into a fresh buffer.
//   BM_CopyAndEnvelope   copy + envelope parse only: what the poll costs before the session.
//   BM_WholeLogParsedOnce  the engine over the whole old log once: what a poll would pay on
//                        top if it re-parsed the log instead of skipping what it had read.
//
// Why no state reset is needed: the log is generated once with K more kilobyte-steps than
// the old part (cut on line boundaries), JSON-escaped once. The escaping is per character,
// so the body of the log's first n bytes is `head + escaped[0, cut_n) + trail`. Iteration i
// builds the body of step i (old + i steps) into a fresh buffer, which is the copy the
// socket would make anyway, so the session (primed with the old part, untimed) sees exactly
// one new step per iteration and no PauseTiming is needed. Hence fixed iteration counts.
//   build-bench/bench/remote_poll_bench
#include <benchmark/benchmark.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loggen/log_generator.hpp"
#include "sources/tracked_session.hpp"
#include "whm/envelope.hpp"

namespace {

constexpr std::size_t kStepBytes = 1024;
constexpr const char* kContentType = "application/json";
// What a current WHM server sends around the log (tools/whm-sim writes the same).
constexpr std::string_view kHead = R"({"data":{"log":")";
constexpr std::string_view kTrail =
    R"("},"metadata":{"command":"fetch_transfer_session_log","reason":"OK","result":1,"version":1}})";

// Polls per repetition: enough to time, few enough that the log needs little growth room.
std::size_t steps_for(std::int64_t mb) {
  return mb >= 100 ? 8 : mb >= 10 ? 40 : 200;
}

struct PollCorpus {
  std::string old_log;                   // the raw log the session has already read
  std::string escaped;                   // the JSON-escaped log, old part + every step
  std::vector<std::size_t> escaped_cut;  // [i]: escaped size of the log after i steps
  std::vector<std::size_t> raw_cut;      // [i]: raw size of the log after i steps

  std::size_t body_size(std::size_t step) const {
    return kHead.size() + escaped_cut[step] + kTrail.size();
  }
  // The body WHM sends for the log after `step` steps, in a fresh buffer with the spare
  // capacity the client's PaddedStringBody reserves from Content-Length.
  std::string body(std::size_t step) const {
    std::string b;
    b.reserve(body_size(step) + wte::whm::kScanSlack);
    b.append(kHead).append(escaped, 0, escaped_cut[step]).append(kTrail);
    return b;
  }
};

PollCorpus make_corpus(std::int64_t mb) {
  const std::size_t old_bytes = static_cast<std::size_t>(mb) << 20;
  const std::size_t steps = steps_for(mb);
  wte::loggen::LogSpec spec;
  spec.style = wte::loggen::LogSpec::Style::mixed;
  spec.target_bytes = old_bytes + steps * 4 * kStepBytes;  // room to spare for the steps
  spec.seed = 17;
  wte::loggen::LogGenerator gen(spec);

  PollCorpus c;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  std::string line;
  std::size_t raw = 0;
  std::size_t next_cut = old_bytes;
  while (c.raw_cut.size() <= steps && gen.next(line)) {
    line += '\n';
    if (raw < old_bytes) c.old_log += line;
    buf.Clear();
    writer.Reset(buf);
    writer.String(line.data(), static_cast<rapidjson::SizeType>(line.size()));
    c.escaped.append(buf.GetString() + 1, buf.GetSize() - 2);  // without the quotes
    raw += line.size();
    if (raw >= next_cut) {  // cut on the first line boundary past each step
      c.raw_cut.push_back(raw);
      c.escaped_cut.push_back(c.escaped.size());
      next_cut = raw + kStepBytes;
    }
  }
  if (c.raw_cut.size() <= steps) throw std::runtime_error("loggen stopped early");
  return c;
}

const PollCorpus& corpus(std::int64_t mb) {
  static std::map<std::int64_t, std::unique_ptr<const PollCorpus>> cache;
  auto& slot = cache[mb];
  if (!slot) slot = std::make_unique<const PollCorpus>(make_corpus(mb));
  return *slot;
}

// Bytes per second over the bodies handled, and the sizes, for the report.
void report(benchmark::State& state, const PollCorpus& c) {
  const std::size_t n = static_cast<std::size_t>(state.iterations());
  std::size_t body_bytes = 0;
  for (std::size_t i = 1; i <= n; ++i) body_bytes += c.body_size(i);
  state.SetBytesProcessed(static_cast<std::int64_t>(body_bytes));
  state.counters["body_MB"] = static_cast<double>(c.body_size(1)) / 1e6;
  state.counters["log_MB"] = static_cast<double>(c.raw_cut[0]) / 1e6;
  state.counters["new_bytes_per_poll"] =
      static_cast<double>(c.raw_cut[n] - c.raw_cut[0]) / static_cast<double>(n == 0 ? 1 : n);
}

void BM_RemotePoll(benchmark::State& state) {
  const PollCorpus& c = corpus(state.range(0));
  wte::sources::TrackedSession session("bench", "s");
  session.ingest_whole_log(c.old_log, 0);  // the old part, read by earlier polls (untimed)
  std::size_t step = 0;
  for (auto _ : state) {
    ++step;
    auto body = c.body(step);
    auto parsed = wte::whm::parse_log_response(std::move(body), 200, kContentType);
    if (!parsed.ok()) {
      state.SkipWithError("the envelope did not parse");
      break;
    }
    const auto r = session.ingest_whole_log(parsed.value().log, static_cast<double>(step));
    if (r.reset || r.bytes != c.raw_cut[step] - c.raw_cut[step - 1]) {
      state.SkipWithError("the poll did not feed exactly the new lines");
      break;
    }
  }
  report(state, c);
}

void BM_BodyMemcpy(benchmark::State& state) {
  const PollCorpus& c = corpus(state.range(0));
  std::size_t step = 0;
  for (auto _ : state) {
    auto body = c.body(++step);
    benchmark::DoNotOptimize(body.data());
    benchmark::ClobberMemory();
  }
  report(state, c);
}

void BM_CopyAndEnvelope(benchmark::State& state) {
  const PollCorpus& c = corpus(state.range(0));
  std::size_t step = 0;
  for (auto _ : state) {
    auto parsed = wte::whm::parse_log_response(c.body(++step), 200, kContentType);
    if (!parsed.ok()) {
      state.SkipWithError("the envelope did not parse");
      break;
    }
    benchmark::DoNotOptimize(parsed.value().log.size());
  }
  report(state, c);
}

void BM_WholeLogParsedOnce(benchmark::State& state) {
  const PollCorpus& c = corpus(state.range(0));
  for (auto _ : state) {
    wte::sources::TrackedSession session("bench", "s");
    session.ingest_whole_log(c.old_log, 0);
    benchmark::DoNotOptimize(session.log().info().lines);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(c.old_log.size()) * state.iterations());
  state.counters["log_MB"] = static_cast<double>(c.old_log.size()) / 1e6;
}

}  // namespace

// Iteration i polls step i, so each size runs a fixed number of iterations (its steps).
int main(int argc, char** argv) {
  const std::pair<const char*, void (*)(benchmark::State&)> polls[] = {
      {"BM_RemotePoll", BM_RemotePoll},
      {"BM_BodyMemcpy", BM_BodyMemcpy},
      {"BM_CopyAndEnvelope", BM_CopyAndEnvelope}};
  for (const auto& [name, fn] : polls) {
    for (const std::int64_t mb : {1, 10, 100}) {
      benchmark::RegisterBenchmark(name, fn)
          ->Arg(mb)
          ->Iterations(static_cast<benchmark::IterationCount>(steps_for(mb)))
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("BM_WholeLogParsedOnce", BM_WholeLogParsedOnce)
      ->Arg(1)
      ->Arg(10)
      ->Arg(100)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
