#include "local/log_tailer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wte::local {

// Where the log is now: .master.log while the session runs, master.log after it.
struct LogTailer::Found {
  std::filesystem::path path;
  struct stat st {};
  bool exists = false;
  bool renamed = false;
  int error = 0;  // errno of a stat that failed for another reason than ENOENT
};

namespace {

std::string errno_text(const std::filesystem::path& path, std::string_view what, int err) {
  return "cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(err);
}

double mtime_of(const struct stat& st) {
  return static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) / 1e9;
}

// pread until `buf` is full or the file ends; -1 on error (errno set).
ssize_t pread_full(int fd, char* buf, std::size_t n, std::uint64_t offset) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, buf + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

}  // namespace

LogTailer::LogTailer(std::filesystem::path session_dir, std::size_t chunk_bytes)
    : dir_(std::move(session_dir)), chunk_bytes_(chunk_bytes == 0 ? 1 : chunk_bytes) {}

void LogTailer::close() noexcept {
  fd_.reset();
  dev_ = 0;
  ino_ = 0;
}

TailResult LogTailer::poll(sources::TrackedSession& session, double now_unix) {
  TailResult result;
  Found found;
  for (const auto name : {kActiveLogName, kEndedLogName}) {
    found.path = dir_ / name;
    found.renamed = name == kEndedLogName;
    if (::stat(found.path.c_str(), &found.st) == 0) {
      found.exists = true;
      break;
    }
    if (errno != ENOENT) {
      found.error = errno;
      break;
    }
  }
  if (found.error != 0) {
    result.read = Error{errno_text(found.path, "stat", found.error)};
    return result;
  }
  if (!found.exists) {  // not written yet, or the folder is being deleted
    close();
    result.at_end = true;
    return result;
  }
  result.log_exists = true;
  result.renamed = found.renamed;
  result.modified_unix = mtime_of(found.st);
  if (!S_ISREG(found.st.st_mode)) {
    result.read = Error{found.path.string() + " is not a regular file"};
    return result;
  }
  const bool same_file = fd_.valid() && found.st.st_dev == dev_ && found.st.st_ino == ino_;
  const auto size = static_cast<std::uint64_t>(found.st.st_size);
  if (!same_file) {
    const bool had_file = fd_.valid() || session.offset() > 0;
    if (!open_log(found, result)) return result;
    // A different file where ours was (or a file we had closed): it continues our log only
    // if it holds what we read.
    if (had_file && !continues(session, size, result)) {
      if (!result.read.ok()) return result;
      restart(session, now_unix, result);
    }
  }
  read_new(session, size, now_unix, result);
  return result;
}

void LogTailer::restart(sources::TrackedSession& session, double now_unix, TailResult& result) {
  session.restart(now_unix);
  result.report.reset = true;
}

bool LogTailer::open_log(const Found& found, TailResult& result) {
  // O_NONBLOCK: a FIFO swapped in after the stat must not hang the event loop.
  os::UniqueFd fd(::open(found.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) {
    result.read = Error{errno_text(found.path, "open", errno)};
    return false;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    result.read = Error{found.path.string() + " is not a regular file"};
    return false;
  }
  fd_ = std::move(fd);
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  return true;
}

bool LogTailer::continues(const sources::TrackedSession& session, std::uint64_t size,
                          TailResult& result) {
  const sources::LogFingerprint& read = session.fingerprint();
  if (size < read.length()) return false;
  std::string head(read.head_bytes(), '\0');
  std::string tail(read.tail_bytes(), '\0');
  const ssize_t h = pread_full(fd_.get(), head.data(), head.size(), 0);
  const ssize_t t =
      h < 0 ? h
            : pread_full(fd_.get(), tail.data(), tail.size(), read.length() - read.tail_bytes());
  if (h < 0 || t < 0) {
    result.read = Error{errno_text(dir_, "read the log in", errno)};
    close();
    return false;
  }
  head.resize(static_cast<std::size_t>(h));
  tail.resize(static_cast<std::size_t>(t));
  return read.matches(size, head, tail);
}

void LogTailer::read_new(sources::TrackedSession& session, std::uint64_t size, double now_unix,
                         TailResult& result) {
  if (size < session.offset()) {  // truncated in place
    restart(session, now_unix, result);
  } else if (size > session.offset() && session.offset() > 0 && !result.report.reset &&
             !continues(session, size, result)) {
    // Grown, but rewritten in place with other content (same inode, e.g. `cat new > log`).
    if (!result.read.ok()) return;
    restart(session, now_unix, result);
  }
  std::string buf;
  while (session.offset() < size) {
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes_, size - session.offset()));
    buf.resize(want);
    const ssize_t n = pread_full(fd_.get(), buf.data(), want, session.offset());
    if (n < 0) {
      result.read = Error{errno_text(dir_, "read the log in", errno)};
      close();
      return;
    }
    if (n == 0) break;  // shrank while we read: the next poll sees the truncation
    result.report += session.ingest_appended(
        std::string_view(buf.data(), static_cast<std::size_t>(n)), now_unix);
  }
  result.at_end = session.offset() >= size;
}

}  // namespace wte::local
