#include "progress/log_check.hpp"

#include <algorithm>

namespace wte::progress {

void MasterLogCheck::observe(std::string_view bytes, const log::SessionInfo& after) noexcept {
  seen_ += std::min(bytes.size(), window_left());
  if (!first_non_blank_) {
    const auto at = bytes.find_first_not_of(" \t\r\n");
    if (at != std::string_view::npos) first_non_blank_ = bytes[at];
  }
  if (after.lines > 0) master_line_seen_ = true;
  if (!master_line_seen_ && after.malformed_lines > 0) malformed_seen_ = true;
}

MasterLogCheck::Verdict MasterLogCheck::verdict(const log::SessionInfo& info,
                                                bool input_ended) const noexcept {
  if (master_line_seen_ || (info.lines > 0 && seen_ < kWindow)) return Verdict::master_log;
  if (seen_ >= kWindow || malformed_seen_) return Verdict::not_a_log;
  if (first_non_blank_ && *first_non_blank_ != '{') return Verdict::not_a_log;
  // Nothing, blank lines, or the beginning of a first line that may yet be one.
  return input_ended ? Verdict::master_log : Verdict::undecided;
}

std::string_view MasterLogCheck::reason(bool input_ended) const noexcept {
  if (seen_ >= kWindow || input_ended) return "no master-log line in its first 64 KiB";
  return "it begins with something that is not a master-log line";
}

}  // namespace wte::progress
