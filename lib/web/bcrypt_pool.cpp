#include "web/bcrypt_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <thread>

#include "web/basic_auth.hpp"

namespace wte::web {

namespace {
// The checks run at a low priority (nice 10, this thread only): a flood of wrong passwords
// then takes little CPU from the event loop, the polls and the rest of the machine. Not the
// lowest (19): with two busy processes beside it a nice-19 thread got about 1 % of a core,
// and a scraper's own check (every 5 minutes, when its cached success expires) took tens of
// seconds, past any scrape timeout, on the busy WHM servers this runs on. Nice 10 still
// leaves normal work some nine tenths of a core. Cheap enough to ask for at every check.
void yield_to_everything_else() {
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
}

std::size_t default_threads() {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<std::size_t>(cores / 2, 1, 4);
}
}  // namespace

BcryptPool::BcryptPool(std::size_t threads)
    : threads_(threads == 0 ? default_threads() : threads),
      pool_(std::make_unique<boost::asio::thread_pool>(threads_)) {}

BcryptPool::~BcryptPool() {
  shutdown();
}

void BcryptPool::check(std::string password, std::string hash,
                       boost::asio::any_io_executor executor, std::function<void(bool)> done) {
  if (!pool_) return;
  boost::asio::post(*pool_, [password = std::move(password), hash = std::move(hash),
                             executor = std::move(executor), done = std::move(done)]() mutable {
    yield_to_everything_else();
    const bool matched = bcrypt_matches(password, hash);
    // `done` moves on to the executor's thread: nothing it holds is released on this one.
    boost::asio::post(executor, [done = std::move(done), matched]() { done(matched); });
  });
}

void BcryptPool::shutdown() {
  if (!pool_) return;
  pool_->stop();
  pool_->join();
  pool_.reset();  // destroys the checks never started, here
}

}  // namespace wte::web
