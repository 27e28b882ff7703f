#include "local/dir_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "os/unique_fd.hpp"

namespace wte::local {

DirWatcher::DirWatcher(boost::asio::io_context& io) : descriptor_(io) {}

Status<> DirWatcher::open() {
  if (is_open()) return done;
  os::UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) return Error{std::string("inotify_init1: ") + std::strerror(errno)};
  boost::system::error_code ec;
  descriptor_.assign(fd.get(), ec);
  if (ec) return Error{"inotify: " + ec.message()};
  fd.release();  // the stream_descriptor owns it now
  return done;
}

void DirWatcher::close() noexcept {
  boost::system::error_code ignored;
  descriptor_.close(ignored);  // closing the inotify fd drops its watches with it
}

Result<int> DirWatcher::add(const std::filesystem::path& dir) {
  if (!is_open()) return Error{"inotify_add_watch " + dir.string() + ": inotify is not open"};
  const int wd = ::inotify_add_watch(descriptor_.native_handle(), dir.c_str(),
                                     IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE);
  if (wd < 0) return Error{"inotify_add_watch " + dir.string() + ": " + std::strerror(errno)};
  return wd;
}

void DirWatcher::remove(int watch) noexcept {
  // Fails harmlessly when the kernel already dropped it (the folder was deleted).
  if (is_open() && watch >= 0) ::inotify_rm_watch(descriptor_.native_handle(), watch);
}

std::size_t DirWatcher::drain() noexcept {
  if (!is_open()) return 0;
  alignas(struct inotify_event) std::array<char, 4096> buf{};
  std::size_t total = 0;
  for (;;) {
    const ssize_t n = ::read(descriptor_.native_handle(), buf.data(), buf.size());
    if (n > 0) {
      total += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return total;  // EAGAIN: nothing more for now
  }
}

}  // namespace wte::local
