#pragma once
// Cuts a byte stream into complete lines (LF or CRLF), whatever the chunk sizes, keeping
// the unfinished tail. A line longer than the limit is dropped as it streams past: at most
// `max_line_bytes` are ever buffered.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wte::log {

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  // Calls on_line(std::string_view) for each complete line (terminator removed) and
  // on_overlong() once for each line that went past the limit.
  template <typename OnLine, typename OnOverlong>
  void feed(std::string_view chunk, OnLine&& on_line, OnOverlong&& on_overlong);

  // Bytes of the unfinished last line, dropped bytes included.
  std::uint64_t pending_bytes() const noexcept { return pending_bytes_; }
  // The unfinished last line, if it is still buffered (not overlong).
  std::string_view pending() const noexcept { return tail_; }
  bool discarding() const noexcept { return discarding_; }
  void clear() noexcept;

 private:
  static std::string_view strip_cr(std::string_view line) noexcept {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  std::size_t max_line_bytes_;
  std::string tail_;
  std::uint64_t pending_bytes_ = 0;
  bool discarding_ = false;
};

template <typename OnLine, typename OnOverlong>
void LineSplitter::feed(std::string_view chunk, OnLine&& on_line, OnOverlong&& on_overlong) {
  while (!chunk.empty()) {
    const std::size_t nl = chunk.find('\n');
    const std::string_view piece = chunk.substr(0, nl);
    const bool complete = nl != std::string_view::npos;
    chunk.remove_prefix(complete ? nl + 1 : chunk.size());
    pending_bytes_ += piece.size();

    if (!discarding_ && tail_.size() + piece.size() > max_line_bytes_) {
      // Over the limit: count it once now, drop the rest of it as it comes.
      discarding_ = true;
      tail_.clear();
      on_overlong();
    }
    if (discarding_) {
      if (complete) {
        discarding_ = false;
        pending_bytes_ = 0;
      }
      continue;
    }
    if (!complete) {
      tail_.append(piece);
      continue;
    }
    pending_bytes_ = 0;
    if (tail_.empty()) {
      on_line(strip_cr(piece));  // the common case: the whole line is in this chunk
    } else {
      tail_.append(piece);
      on_line(strip_cr(tail_));
      tail_.clear();
    }
  }
}

}  // namespace wte::log
