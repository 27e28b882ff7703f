#pragma once
// Follows the master log of one session folder on a WHM server's disk. cPanel writes
// `<id>/.master.log` while the session runs and renames it to `<id>/master.log` when it
// ends (same inode): the tailer follows the inode, so nothing is lost or read twice.
// Only new bytes are read; a poll of a quiet log costs one stat.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "error/result.hpp"
#include "os/unique_fd.hpp"
#include "sources/tracked_session.hpp"

namespace wte::local {

inline constexpr std::string_view kActiveLogName = ".master.log";
inline constexpr std::string_view kEndedLogName = "master.log";

// What a poll did. A read can fail after some bytes were fed, so the report of what was read
// comes with the outcome rather than instead of it.
struct TailResult {
  bool log_exists = false;  // a master log was found (a new session may not have one yet)
  bool renamed = false;     // it is master.log: cPanel has ended the session
  bool at_end = false;      // every byte the file held at this poll has been fed
  // What was read (report.reset: truncated, replaced or rewritten: read again from byte 0).
  sources::IngestReport report;
  Status<> read = done;                 // why the log could not be read; the session is unchanged
  std::optional<double> modified_unix;  // the log's mtime
};

class LogTailer {
 public:
  // `session_dir` is `<root>/<id>`; reads at most `chunk_bytes` per read call.
  explicit LogTailer(std::filesystem::path session_dir, std::size_t chunk_bytes = 1 << 20);

  // Feeds the bytes appended since session.offset() to `session`.
  TailResult poll(sources::TrackedSession& session, double now_unix);
  // Releases the file: the session is finished (a later poll opens it again if needed).
  void close() noexcept;
  bool is_open() const noexcept { return fd_.valid(); }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  struct Found;
  bool open_log(const Found& found, TailResult& result);
  // Whether the open file (of `size` bytes) still holds what was read so far; see
  // sources::LogFingerprint for what is compared.
  bool continues(const sources::TrackedSession& session, std::uint64_t size, TailResult& result);
  void restart(sources::TrackedSession& session, double now_unix, TailResult& result);
  void read_new(sources::TrackedSession& session, std::uint64_t size, double now_unix,
                TailResult& result);

  std::filesystem::path dir_;
  std::size_t chunk_bytes_;
  os::UniqueFd fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace wte::local
