#pragma once
// One watched session: its log engine, how far the log was read, and what identifies the
// bytes read so far (a log that is no longer the one read is read again from byte 0).
// Both sources keep their sessions as these. Pure: time is passed in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "log/master_log.hpp"
#include "sources/log_fingerprint.hpp"
#include "sources/recorder.hpp"

namespace wte::sources {

class TrackedSession {
 public:
  TrackedSession(std::string host, std::string id, log::EngineLimits limits = {});

  // The whole log, as the API returns it: only the bytes past the offset are fed. A log
  // that does not begin with exactly the bytes read so far is a new log: the engine
  // starts over from byte 0 (report.reset).
  IngestReport ingest_whole_log(std::string_view log, double now_unix);
  // Bytes appended to a local log since the last call (the tailer reads from offset()
  // and checks fingerprint() itself).
  IngestReport ingest_appended(std::string_view bytes, double now_unix);
  // The log was read to its end and the session is final: a last line without its
  // newline is parsed now if it is a whole object (docs/LOG-FORMAT.md, pending bytes).
  IngestReport finish_log();
  // Starts over from byte 0 (the caller feeds the log again); counted in resets().
  void restart(double now_unix);

  const std::string& host() const noexcept { return host_; }
  const std::string& id() const noexcept { return id_; }
  const log::MasterLog& log() const noexcept { return log_; }
  const LogFingerprint& fingerprint() const noexcept { return fingerprint_; }
  std::uint64_t offset() const noexcept { return log_.bytes_fed(); }
  std::uint64_t resets() const noexcept { return resets_; }
  std::optional<double> last_change_unix() const noexcept { return last_change_; }

  const std::optional<std::string>& api_state() const noexcept { return api_state_; }
  void set_api_state(std::string state) { api_state_ = std::move(state); }
  // The API's state when known, else the log's once it was read, else unknown.
  std::optional<std::string_view> state() const noexcept;
  bool is_final() const noexcept;
  bool log_read() const noexcept { return log_read_; }

  // Final, read to the end, no longer polled: when it was marked so.
  std::optional<double> finished_at() const noexcept { return finished_at_; }
  void mark_finished(double now_unix) { finished_at_ = now_unix; }

  const std::string& last_error() const noexcept { return last_error_; }
  void set_last_error(std::string e) { last_error_ = std::move(e); }

 private:
  IngestReport feed(std::string_view bytes, double now_unix);

  std::string host_;
  std::string id_;
  log::EngineLimits limits_;
  log::MasterLog log_;
  LogFingerprint fingerprint_;
  std::uint64_t resets_ = 0;
  bool log_read_ = false;
  std::optional<double> last_change_;
  std::optional<std::string> api_state_;
  std::optional<double> finished_at_;
  std::string last_error_;
};

}  // namespace wte::sources
