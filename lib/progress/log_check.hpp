#pragma once
// Whether the bytes given to `progress` are a transfer master log at all, so that a script
// waiting for a session to end is told at once that it is reading the wrong file (exit 2)
// instead of being shown a PENDING session for ever. Pure: fed what the reader reads.
//
// The rule (README, `progress`): the input is a master log when a well-formed master-log line
// (docs/LOG-FORMAT.md: a JSON object with a `contents` object holding a string `action`)
// ends in its first 64 KiB. It is not one when the first 64 KiB hold none, decided as soon as
// that is known: at 64 KiB; at the end of the input; or, before either, as soon as what has
// arrived begins with something other than `{` or holds a complete line that is not a
// master-log line while none before it was. Empty input, or only blank lines, or an unfinished
// first line beginning with `{`, is a session that has not started (or whose first line is
// being written): not an error.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "log/session_model.hpp"

namespace wte::progress {

class MasterLogCheck {
 public:
  static constexpr std::size_t kWindow = 64 * 1024;

  enum class Verdict { master_log, not_a_log, undecided };

  // How many of the next bytes are still in the window.
  std::size_t window_left() const noexcept { return kWindow - seen_; }
  // `bytes`, at most window_left() of them, were just fed to the log, whose info is now
  // `after`.
  void observe(std::string_view bytes, const log::SessionInfo& after) noexcept;
  // What is known now; `input_ended` once the input can bring nothing more (end of a file
  // read once, a closed pipe). `info` may have lines that MasterLog::finish() added.
  Verdict verdict(const log::SessionInfo& info, bool input_ended) const noexcept;
  // Why not_a_log was given, for the message after "not a transfer master log".
  std::string_view reason(bool input_ended) const noexcept;

 private:
  std::size_t seen_ = 0;
  std::optional<char> first_non_blank_;
  bool master_line_seen_ = false;
  bool malformed_seen_ = false;
};

}  // namespace wte::progress
