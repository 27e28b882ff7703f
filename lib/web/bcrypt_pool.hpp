#pragma once
// bcrypt checks off the event loop. A bcrypt of cost 10 costs ~50 ms of a core: run on the
// loop, 8 clients sending wrong passwords held every scrape and every WHM poll behind them
// for seconds. Here a few worker threads owned by the server run them, at a low CPU
// priority, and each result is posted back to the caller's executor; the loop only waits
// for the answer.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace wte::web {

class BcryptPool {
 public:
  // `threads` 0: one per two cores, at least 1 and at most 4, so the event loop keeps a
  // core to itself on a small machine however many wrong passwords arrive.
  explicit BcryptPool(std::size_t threads = 0);
  ~BcryptPool();  // shutdown()
  BcryptPool(const BcryptPool&) = delete;
  BcryptPool& operator=(const BcryptPool&) = delete;

  // Runs bcrypt_matches(password, hash) on a worker, then done(matched) through `executor`,
  // never inline. After shutdown() `done` is never called.
  void check(std::string password, std::string hash, boost::asio::any_io_executor executor,
             std::function<void(bool)> done);

  // Stops the workers, waiting for the checks running now; checks not started are dropped
  // (their `done` destroyed here, on the caller's thread). Call it on the executor's thread.
  void shutdown();

  std::size_t threads() const noexcept { return threads_; }

 private:
  std::size_t threads_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace wte::web
