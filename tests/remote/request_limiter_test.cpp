#include "remote/request_limiter.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

using wte::remote::RequestLimiter;

namespace {
// Runs what is ready; an io_context that ran out of work must be restarted to run again.
void run_ready(boost::asio::io_context& io) {
  io.restart();
  io.poll();
}
}  // namespace

TEST_CASE("at most N permits at once, the rest served in order as permits are freed") {
  boost::asio::io_context io;
  RequestLimiter limiter(io.get_executor(), 2);
  std::vector<int> granted;
  std::vector<std::shared_ptr<RequestLimiter::Permit>> held;
  for (int i = 0; i < 5; ++i) {
    limiter.acquire([&, i](RequestLimiter::Permit p) {
      granted.push_back(i);
      held.push_back(std::make_shared<RequestLimiter::Permit>(std::move(p)));
    });
  }
  CHECK(granted.empty());  // never granted re-entrantly, only from the event loop
  run_ready(io);
  CHECK(granted == std::vector<int>{0, 1});
  CHECK(limiter.in_flight() == 2);
  CHECK(limiter.waiting() == 3);
  held.erase(held.begin());  // one request is over
  run_ready(io);
  CHECK(granted == std::vector<int>{0, 1, 2});
  held.clear();
  run_ready(io);
  CHECK(granted == std::vector<int>{0, 1, 2, 3, 4});
  held.clear();
  run_ready(io);
  CHECK(limiter.in_flight() == 0);
}

TEST_CASE("raising the limit serves waiters at once") {
  boost::asio::io_context io;
  RequestLimiter limiter(io.get_executor(), 1);
  int granted = 0;
  std::vector<RequestLimiter::Permit> held;
  for (int i = 0; i < 3; ++i) {
    limiter.acquire([&](RequestLimiter::Permit p) {
      ++granted;
      held.push_back(std::move(p));
    });
  }
  run_ready(io);
  CHECK(granted == 1);
  limiter.set_limit(3);
  run_ready(io);
  CHECK(granted == 3);
}
