#include "log/master_log.hpp"

namespace wte::log {

MasterLog::MasterLog(EngineLimits limits)
    : limits_(limits), splitter_(limits.max_line_bytes), model_(limits.items) {}

void MasterLog::line(std::string_view text) {
  // Blank lines (a trailing newline too many) carry nothing and are not malformed.
  if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;
  if (parser_.parse(text)) {
    model_.apply(parser_.event());
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

LinesAdded MasterLog::feed(std::string_view chunk) {
  const LinesAdded before = counts();
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
    model_.apply(parser_.event());
    splitter_.clear();
    model_.set_pending_bytes(0);
  }
  return since(before);
}

}  // namespace wte::log
