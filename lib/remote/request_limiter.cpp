#include "remote/request_limiter.hpp"

#include <boost/asio/post.hpp>

namespace wte::remote {

struct RequestLimiter::State : std::enable_shared_from_this<RequestLimiter::State> {
  boost::asio::any_io_executor executor;
  std::size_t limit;
  std::size_t in_flight = 0;
  std::deque<Granted> waiters;

  State(boost::asio::any_io_executor e, std::size_t l) : executor(std::move(e)), limit(l) {}

  // Hands free slots to waiters, each on its own turn of the event loop.
  void dispatch() {
    while (in_flight < limit && !waiters.empty()) {
      ++in_flight;
      auto granted = std::move(waiters.front());
      waiters.pop_front();
      boost::asio::post(executor, [self = shared_from_this(), g = std::move(granted)]() mutable {
        g(Permit(self));
      });
    }
  }
};

RequestLimiter::RequestLimiter(boost::asio::any_io_executor executor, std::size_t max_in_flight)
    : state_(std::make_shared<State>(std::move(executor), max_in_flight ? max_in_flight : 1)) {}

void RequestLimiter::acquire(Granted on_granted) {
  state_->waiters.push_back(std::move(on_granted));
  state_->dispatch();
}

std::size_t RequestLimiter::in_flight() const noexcept {
  return state_->in_flight;
}
std::size_t RequestLimiter::waiting() const noexcept {
  return state_->waiters.size();
}

void RequestLimiter::set_limit(std::size_t max_in_flight) {
  state_->limit = max_in_flight ? max_in_flight : 1;
  state_->dispatch();
}

RequestLimiter::Permit& RequestLimiter::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}

RequestLimiter::Permit::~Permit() {
  release();
}

void RequestLimiter::Permit::release() noexcept {
  if (!state_) return;
  auto state = std::move(state_);
  --state->in_flight;
  try {
    state->dispatch();
  } catch (...) {
    // post() can only fail on allocation; the slot is free, the waiter will be served later.
  }
}

}  // namespace wte::remote
