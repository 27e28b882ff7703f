#pragma once
// What a source shows of its host: whether its last poll succeeded, when it ended, how long
// it took and, if it failed, why. Kept the same way by every kind of source. Pure.
#include <optional>
#include <string>
#include <string_view>

#include "sources/status_source.hpp"

namespace wte::sources {

struct PollProblem {
  std::string reason;   // a label value: timeout, tls, read, database, ...
  std::string message;  // for people; never holds a secret
};

class HostStatus {
 public:
  // A poll that reached the host ended at `now_unix` after `seconds`. `note` is a problem
  // that did not make the host down (one session's log unreadable, a fallback in use).
  // Returns true when the host was down before.
  bool succeeded(double now_unix, double seconds, std::optional<PollProblem> note = {});
  // A poll that failed. Returns true when the host was up before.
  bool failed(double now_unix, double seconds, PollProblem problem);
  // As before its first poll.
  void reset();

  bool up() const noexcept { return up_; }
  bool polled() const noexcept { return last_poll_.has_value(); }
  const std::string& error_reason() const noexcept { return reason_; }
  const std::string& error_message() const noexcept { return message_; }
  // The view, but for the fields only the source knows (sessions, tls_insecure).
  HostView view(std::string_view name, std::string_view kind) const;

 private:
  void ended(double now_unix, double seconds);

  bool up_ = false;
  std::optional<double> last_success_;
  std::optional<double> last_poll_;
  double last_duration_ = 0;
  std::string reason_;
  std::string message_ = "not polled yet";
};

}  // namespace wte::sources
