#pragma once
// At most N WHM requests in flight across all hosts. A permit is an RAII object: it frees
// its slot when destroyed, and the next waiter (first come, first served) gets it on the
// event loop, never re-entrantly.
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>

namespace wte::remote {

class RequestLimiter {
 public:
  class Permit;
  using Granted = std::function<void(Permit)>;

  RequestLimiter(boost::asio::any_io_executor executor, std::size_t max_in_flight);

  void acquire(Granted on_granted);
  std::size_t in_flight() const noexcept;
  std::size_t waiting() const noexcept;
  void set_limit(std::size_t max_in_flight);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

class RequestLimiter::Permit {
 public:
  Permit() = default;
  explicit Permit(std::shared_ptr<State> state) : state_(std::move(state)) {}
  Permit(Permit&&) noexcept = default;
  Permit& operator=(Permit&& other) noexcept;
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  ~Permit();

 private:
  void release() noexcept;
  std::shared_ptr<State> state_;
};

}  // namespace wte::remote
