#include "sources/tracked_session.hpp"

#include "log/session_state.hpp"
#include "sources/status_source.hpp"

namespace wte::sources {

namespace {
IngestReport report_of(std::uint64_t bytes, const log::LinesAdded& lines) {
  IngestReport r;
  r.bytes = bytes;
  r.lines = lines.lines;
  r.malformed = lines.malformed;
  r.overlong = lines.overlong;
  return r;
}
}  // namespace

TrackedSession::TrackedSession(std::string host, std::string id, log::EngineLimits limits)
    : host_(std::move(host)), id_(std::move(id)), limits_(limits), log_(limits) {}

std::optional<std::string_view> TrackedSession::state() const noexcept {
  std::optional<std::string_view> api;
  if (api_state_) api = *api_state_;
  return effective_state(api, log_.info().state, log_read_);
}

bool TrackedSession::is_final() const noexcept {
  const auto s = state();
  return s && log::is_final_state(*s);
}

IngestReport TrackedSession::feed(std::string_view bytes, double now_unix) {
  log_read_ = true;
  if (bytes.empty()) return {};
  const log::LinesAdded lines = log_.feed(bytes, now_unix);
  fingerprint_.append(bytes);
  last_change_ = now_unix;
  return report_of(bytes.size(), lines);
}

void TrackedSession::restart(double now_unix) {
  log_ = log::MasterLog(limits_);
  fingerprint_.clear();
  ++resets_;
  last_change_ = now_unix;
  finished_at_.reset();
}

IngestReport TrackedSession::ingest_whole_log(std::string_view log, double now_unix) {
  const bool reset = !fingerprint_.is_prefix_of(log);
  if (reset) restart(now_unix);
  IngestReport r = feed(log.substr(static_cast<std::size_t>(offset())), now_unix);
  r.reset = reset;
  return r;
}

IngestReport TrackedSession::ingest_appended(std::string_view bytes, double now_unix) {
  return feed(bytes, now_unix);
}

IngestReport TrackedSession::finish_log() {
  return report_of(0, log_.finish());
}

}  // namespace wte::sources
