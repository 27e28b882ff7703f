#include "sources/host_status.hpp"

namespace wte::sources {

void HostStatus::ended(double now_unix, double seconds) {
  last_poll_ = now_unix;
  last_duration_ = seconds;
}

bool HostStatus::succeeded(double now_unix, double seconds, std::optional<PollProblem> note) {
  const bool was_down = !up_;
  ended(now_unix, seconds);
  up_ = true;
  last_success_ = now_unix;
  reason_ = note ? std::move(note->reason) : std::string();
  message_ = note ? std::move(note->message) : std::string();
  return was_down;
}

bool HostStatus::failed(double now_unix, double seconds, PollProblem problem) {
  const bool was_up = up_;
  ended(now_unix, seconds);
  up_ = false;
  reason_ = std::move(problem.reason);
  message_ = std::move(problem.message);
  return was_up;
}

void HostStatus::reset() {
  *this = HostStatus();
}

HostView HostStatus::view(std::string_view name, std::string_view kind) const {
  HostView v;
  v.name = name;
  v.kind = kind;
  v.up = up_;
  v.last_success_unix = last_success_;
  v.last_poll_unix = last_poll_;
  v.last_poll_duration_seconds = last_duration_;
  v.last_error_reason = reason_;
  v.last_error_message = message_;
  v.polled = polled();
  return v;
}

}  // namespace wte::sources
