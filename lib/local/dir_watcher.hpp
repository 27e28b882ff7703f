#pragma once
// inotify on the transfer_sessions folder and on the folders of active sessions, so that a
// change triggers an early poll. It only says "something changed": the poll that follows
// reads the disk, so a lost or merged event costs nothing but latency (the timer remains).
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <filesystem>
#include <string>

#include "error/result.hpp"

namespace wte::local {

class DirWatcher {
 public:
  explicit DirWatcher(boost::asio::io_context& io);
  DirWatcher(const DirWatcher&) = delete;
  DirWatcher& operator=(const DirWatcher&) = delete;

  // inotify_init1; an error when the kernel refuses: the caller just polls.
  Status<> open();
  // Closes the descriptor (pending waits complete with operation_aborted) and every watch.
  void close() noexcept;
  bool is_open() const noexcept { return descriptor_.is_open(); }

  // Watches `dir` for IN_MODIFY|IN_CREATE|IN_MOVED_TO|IN_DELETE: the watch descriptor.
  Result<int> add(const std::filesystem::path& dir);
  void remove(int watch) noexcept;
  // Reads and discards every pending event; returns how many bytes of events there were.
  std::size_t drain() noexcept;

  // Calls `handler(error_code)` once the descriptor is readable.
  template <class Handler>
  void async_wait(Handler&& handler) {
    descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           std::forward<Handler>(handler));
  }

 private:
  boost::asio::posix::stream_descriptor descriptor_;
};

}  // namespace wte::local
