#pragma once
// One watched session: its log engine, how far the log was read, and how to tell that the
// log the server sends now is not the one we were reading (a reset). Pure: time is passed in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "log/master_log.hpp"

namespace wte::sources {

struct IngestResult {
  std::uint64_t new_bytes = 0;  // bytes fed to the engine by this call
  bool reset = false;           // the log was read again from byte 0
};

class TrackedSession {
 public:
  TrackedSession(std::string host, std::string id, log::EngineLimits limits = {});

  // The whole log, as fetch_transfer_session_log returns it: only the bytes past the
  // offset are fed. A log shorter than the offset, or whose beginning or last-read bytes
  // differ from what was read, is a new log: the engine starts over from byte 0.
  IngestResult ingest_whole_log(std::string_view log, double now_unix);

  // Bytes appended to a local log since the last call (the tailer reads from offset()).
  IngestResult ingest_appended(std::string_view bytes, double now_unix);
  // Whether a file that starts with `head` (its first head_size() bytes or fewer) is still
  // the log we were reading.
  bool same_beginning(std::string_view head) const noexcept;
  std::size_t head_size() const noexcept { return head_.size(); }
  // Starts over from byte 0 (the caller feeds the log again) and counts a reset.
  void restart(double now_unix);

  const std::string& host() const noexcept { return host_; }
  const std::string& id() const noexcept { return id_; }
  const log::MasterLog& log() const noexcept { return log_; }
  std::uint64_t offset() const noexcept { return log_.bytes_fed(); }
  std::uint64_t resets() const noexcept { return resets_; }
  std::optional<double> last_change_unix() const noexcept { return last_change_; }

  const std::optional<std::string>& api_state() const noexcept { return api_state_; }
  void set_api_state(std::string state) { api_state_ = std::move(state); }
  // The API's state when known, else the log's.
  std::string_view state() const noexcept;
  bool is_final() const noexcept;

  // Final, read to the end, no longer polled: when it was marked so.
  std::optional<double> finished_at() const noexcept { return finished_at_; }
  void mark_finished(double now_unix) { finished_at_ = now_unix; }

  const std::string& last_error() const noexcept { return last_error_; }
  void set_last_error(std::string e) { last_error_ = std::move(e); }

 private:
  // What identifies the bytes already read: the first kHead bytes, and the kTail bytes
  // just before the offset (two logs of one kind may share a long beginning).
  static constexpr std::size_t kHead = 4096;
  static constexpr std::size_t kTail = 256;
  bool still_matches(std::string_view log) const noexcept;
  void feed(std::string_view bytes, double now_unix, IngestResult& result);

  std::string host_;
  std::string id_;
  log::EngineLimits limits_;
  log::MasterLog log_;
  std::string head_;
  std::string tail_;
  std::uint64_t resets_ = 0;
  std::optional<double> last_change_;
  std::optional<std::string> api_state_;
  std::optional<double> finished_at_;
  std::string last_error_;
};

}  // namespace wte::sources
