#include "sources/tracked_session.hpp"

#include "log/session_state.hpp"

namespace wte::sources {

TrackedSession::TrackedSession(std::string host, std::string id, log::EngineLimits limits)
    : host_(std::move(host)), id_(std::move(id)), limits_(limits), log_(limits) {}

std::string_view TrackedSession::state() const noexcept {
  return api_state_ ? std::string_view(*api_state_) : std::string_view(log_.info().state);
}

bool TrackedSession::is_final() const noexcept {
  return log::is_final_state(state());
}

bool TrackedSession::same_beginning(std::string_view head) const noexcept {
  const std::size_t n = std::min(head.size(), head_.size());
  return head.substr(0, n) == std::string_view(head_).substr(0, n);
}

bool TrackedSession::still_matches(std::string_view log) const noexcept {
  const std::uint64_t off = offset();
  if (log.size() < off || tail_.size() > off) return false;
  if (log.substr(0, head_.size()) != head_) return false;
  return log.substr(static_cast<std::size_t>(off) - tail_.size(), tail_.size()) == tail_;
}

void TrackedSession::feed(std::string_view bytes, double now_unix, IngestResult& result) {
  if (bytes.empty()) return;
  log_.feed(bytes);
  result.new_bytes += bytes.size();
  last_change_ = now_unix;
  if (head_.size() < kHead) head_.append(bytes.substr(0, kHead - head_.size()));
  if (bytes.size() >= kTail) {
    tail_.assign(bytes.substr(bytes.size() - kTail));
  } else {
    tail_.append(bytes);
    if (tail_.size() > kTail) tail_.erase(0, tail_.size() - kTail);
  }
}

void TrackedSession::restart(double now_unix) {
  log_ = log::MasterLog(limits_);
  head_.clear();
  tail_.clear();
  ++resets_;
  last_change_ = now_unix;
  finished_at_.reset();
}

IngestResult TrackedSession::ingest_whole_log(std::string_view log, double now_unix) {
  IngestResult result;
  if (!still_matches(log)) {
    restart(now_unix);
    result.reset = true;
  }
  feed(log.substr(static_cast<std::size_t>(offset())), now_unix, result);
  return result;
}

IngestResult TrackedSession::ingest_appended(std::string_view bytes, double now_unix) {
  IngestResult result;
  feed(bytes, now_unix, result);
  return result;
}

}  // namespace wte::sources
