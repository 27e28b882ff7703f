#include "os/unique_fd.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <utility>

using wte::os::UniqueFd;

namespace {

// A pipe whose write end is owned by the test's UniqueFd: once that end is closed, a read
// from the other end sees end-of-file (0) instead of blocking (the read end is non-blocking
// while the write end is still open, so a missed close fails the test instead of hanging).
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    std::array<int, 2> fds{};
    REQUIRE(::pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK) == 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() { ::close(read_end); }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  // True when every write end is closed.
  bool writer_closed() const {
    char byte = 0;
    return ::read(read_end, &byte, 1) == 0;
  }
};

}  // namespace

TEST_CASE("UniqueFd closes its descriptor when it goes out of scope") {
  Pipe p;
  {
    const UniqueFd fd(p.write_end);
    CHECK(fd.valid());
    CHECK(fd.get() == p.write_end);
    CHECK_FALSE(p.writer_closed());
  }
  CHECK(p.writer_closed());
}

TEST_CASE("UniqueFd: a default or invalid one owns nothing") {
  CHECK_FALSE(UniqueFd().valid());
  CHECK(UniqueFd().get() == -1);
  CHECK_FALSE(UniqueFd(-1).valid());  // what a failed open() returns: nothing to close
}

TEST_CASE("UniqueFd: a move hands the descriptor over; the moved-from one owns nothing") {
  Pipe p;
  UniqueFd target;
  {
    UniqueFd source(p.write_end);
    target = std::move(source);
    CHECK_FALSE(source.valid());  // NOLINT(bugprone-use-after-move): checked on purpose
  }
  CHECK_FALSE(p.writer_closed());
  CHECK(target.get() == p.write_end);
  UniqueFd moved(std::move(target));
  CHECK(moved.get() == p.write_end);
  moved.reset();
  CHECK_FALSE(moved.valid());
  CHECK(p.writer_closed());
}

TEST_CASE("UniqueFd: release gives the descriptor away without closing it") {
  Pipe p;
  int released = -1;
  {
    UniqueFd fd(p.write_end);
    released = fd.release();
    CHECK_FALSE(fd.valid());
  }
  CHECK(released == p.write_end);
  CHECK_FALSE(p.writer_closed());
  ::close(released);
  CHECK(p.writer_closed());
}

TEST_CASE("UniqueFd: reset closes the old descriptor and takes the new one") {
  Pipe first;
  Pipe second;
  UniqueFd fd(first.write_end);
  fd.reset(second.write_end);
  CHECK(first.writer_closed());
  CHECK_FALSE(second.writer_closed());
  CHECK(fd.get() == second.write_end);
}
