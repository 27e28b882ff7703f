#pragma once
// One session's master log played back over time: lines are released at a steady rate
// from a start time, and the session's API state follows what has been released. Pure:
// time is passed in.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wte::whmsim {

using Clock = std::chrono::steady_clock;

class Playback {
 public:
  // `log`: the whole file; a last line without '\n' is released as it is.
  Playback(std::string log, double lines_per_second, Clock::time_point start);

  std::size_t lines_total() const noexcept { return line_ends_.size(); }
  std::size_t bytes_total() const noexcept { return text_.size(); }
  std::string_view text() const noexcept { return text_; }  // the whole log
  // Lines out by `now` (never fewer than after release_all()).
  std::size_t released_lines(Clock::time_point now) const noexcept;
  // The log as the server's file holds it at `now`.
  std::string_view released_text(Clock::time_point now) const noexcept;
  bool started(Clock::time_point now) const noexcept { return now >= start_; }
  bool finished(Clock::time_point now) const noexcept {
    return released_lines(now) == lines_total();
  }
  // Everything is out now.
  void release_all() noexcept { forced_ = lines_total(); }

  // The state the API reports: PENDING before the start, then what the released log says
  // (RUNNING, PAUSING, PAUSED, ...; RUNNING while it says nothing yet), and once every line
  // is out `end_state` if one was given.
  std::string api_state(Clock::time_point now, const std::optional<std::string>& end_state) const;
  // True once TRANSFER is over in the released log (the first worker wrote `complete` for
  // it), for the documented TRANSFER_/RESTORE_INPROGRESS names.
  bool transfer_done(Clock::time_point now) const noexcept;

 private:
  std::string text_;
  std::vector<std::size_t> line_ends_;    // offset after each line
  std::vector<std::string> state_after_;  // log state after each line ("" = PENDING)
  std::vector<bool> transfer_done_after_;
  double rate_;
  Clock::time_point start_;
  std::size_t forced_ = 0;
};

}  // namespace wte::whmsim
