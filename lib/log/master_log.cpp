#include "log/master_log.hpp"

#include <cmath>

namespace wte::log {

MasterLog::MasterLog(EngineLimits limits)
    : limits_(limits), splitter_(limits.max_line_bytes), model_(limits.items) {}

void MasterLog::line(std::string_view text) {
  // Blank lines (a trailing newline too many) carry nothing and are not malformed.
  if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;
  if (parser_.parse(text)) {
    model_.apply(parser_.event(), clock_);
  } else {
    model_.count_malformed();
  }
}

// The line counts so far, and what was added since `before` (the engine's own totals: the
// callers get what changed and never diff anything themselves).
LinesAdded MasterLog::counts() const noexcept {
  const SessionInfo& i = model_.info();
  return {i.lines, i.malformed_lines, i.overlong_lines};
}

LinesAdded MasterLog::since(const LinesAdded& before) const noexcept {
  const LinesAdded now = counts();
  return {now.lines - before.lines, now.malformed - before.malformed,
          now.overlong - before.overlong};
}

LinesAdded MasterLog::feed(std::string_view chunk, std::optional<double> now_unix) {
  const LinesAdded before = counts();
  // Whole seconds, like the log's own times; a clock that is not a number is no clock.
  clock_.reset();
  if (now_unix && std::isfinite(*now_unix) && std::fabs(*now_unix) < 1e15) {
    clock_ = static_cast<std::int64_t>(std::floor(*now_unix));
  }
  bytes_fed_ += chunk.size();
  splitter_.feed(
      chunk, [this](std::string_view l) { line(l); }, [this] { model_.count_overlong(); });
  model_.set_pending_bytes(splitter_.pending_bytes());
  return since(before);
}

LinesAdded MasterLog::finish() {
  if (splitter_.discarding() || splitter_.pending().empty()) return {};
  const LinesAdded before = counts();
  if (parser_.parse(splitter_.pending())) {
    model_.apply(parser_.event(), clock_);
    splitter_.clear();
    model_.set_pending_bytes(0);
  }
  return since(before);
}

}  // namespace wte::log
