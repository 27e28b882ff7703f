#pragma once
// The master-log engine: bytes in, session summary out. Feed it the log as it arrives, in
// chunks of any size; the result is the same as feeding it whole.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "log/event_parser.hpp"
#include "log/line_splitter.hpp"
#include "log/session_model.hpp"

namespace wte::log {

struct EngineLimits {
  std::size_t max_line_bytes = 1 << 20;  // longer lines are skipped and counted malformed
  ItemLimits items;
};

// What one call added to the summary's line counts.
struct LinesAdded {
  std::uint64_t lines = 0;      // well-formed lines
  std::uint64_t malformed = 0;  // malformed lines, overlong ones included
  std::uint64_t overlong = 0;   // lines over max_line_bytes
};

class MasterLog {
 public:
  explicit MasterLog(EngineLimits limits = {});

  // Handles every complete line in `chunk`; keeps an unfinished last line for later.
  // `now_unix`: when the exporter read the chunk, the effective time of its lines that
  // carry no `time` (SessionModel::times()); without it, theirs is unknown.
  LinesAdded feed(std::string_view chunk, std::optional<double> now_unix = std::nullopt);
  // End of a one-shot read: an unfinished last line is parsed if it is a whole object,
  // else it stays pending (and is not counted as malformed).
  LinesAdded finish();

  const SessionModel& model() const noexcept { return model_; }
  const SessionInfo& info() const noexcept { return model_.info(); }
  std::uint64_t bytes_fed() const noexcept { return bytes_fed_; }

 private:
  void line(std::string_view text);
  LinesAdded counts() const noexcept;
  LinesAdded since(const LinesAdded& before) const noexcept;

  EngineLimits limits_;
  std::optional<std::int64_t> clock_;  // the last feed's now_unix, in whole seconds (finish())
  LineSplitter splitter_;
  EventParser parser_;
  SessionModel model_;
  std::uint64_t bytes_fed_ = 0;
};

}  // namespace wte::log
