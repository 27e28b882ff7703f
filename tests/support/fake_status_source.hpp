#pragma once
// A StatusSource over plain test data: hosts as fields, sessions as master logs fed with
// text. Shared by the metrics and status tests.
#include <list>
#include <optional>
#include <string>
#include <vector>

#include "log/master_log.hpp"
#include "sources/status_source.hpp"

namespace wte::test {

struct FakeHost {
  std::string name;
  std::string kind = "remote";
  bool up = true;
  std::optional<double> last_success;
  std::optional<double> last_poll;
  double last_poll_duration = 0;
  std::string last_error_reason;
  std::string last_error_message;
  bool tls_insecure = false;
  std::size_t sessions = 0;
  bool polled = true;
  std::string log_access;
};

struct FakeSession {
  std::string host;
  std::string id;
  std::optional<std::string> api_state;
  log::MasterLog log;
  std::optional<double> last_change;
  bool finished = false;
  std::string last_error;
  bool log_read = true;  // false with no api_state: the state is unknown
  std::string unknown_reason;
  bool waiting_for_end = false;
};

class FakeStatusSource : public sources::StatusSource {
 public:
  std::vector<FakeHost> hosts;
  std::list<FakeSession> sessions;  // a list: views point into it

  FakeHost& add_host(const std::string& name) {
    FakeHost& h = hosts.emplace_back();
    h.name = name;
    return h;
  }

  // A session whose log is `log_text`, read whole.
  FakeSession& add_session(const std::string& host, const std::string& id,
                           const std::string& log_text) {
    FakeSession& s = sessions.emplace_back();
    s.host = host;
    s.id = id;
    s.log.feed(log_text);
    s.log.finish();
    return s;
  }

  void remove_session(const std::string& id) {
    sessions.remove_if([&](const FakeSession& s) { return s.id == id; });
  }

  void for_each_host(const std::function<void(const sources::HostView&)>& visit) const override {
    for (const FakeHost& h : hosts) {
      sources::HostView v;
      v.name = h.name;
      v.kind = h.kind;
      v.up = h.up;
      v.last_success_unix = h.last_success;
      v.last_poll_unix = h.last_poll;
      v.last_poll_duration_seconds = h.last_poll_duration;
      v.last_error_reason = h.last_error_reason;
      v.last_error_message = h.last_error_message;
      v.tls_insecure = h.tls_insecure;
      v.sessions = h.sessions;
      v.polled = h.polled;
      v.log_access = h.log_access;
      visit(v);
    }
  }

  void for_each_session(
      const std::function<void(const sources::SessionView&)>& visit) const override {
    for (const FakeSession& s : sessions) {
      std::optional<std::string_view> api;
      if (s.api_state) api = *s.api_state;
      sources::SessionView v{s.host,        s.id,       api,         s.log.model(),
                             s.last_change, s.finished, s.last_error};
      v.log_read = s.log_read;
      v.unknown_reason = s.unknown_reason;
      v.waiting_for_end = s.waiting_for_end;
      visit(v);
    }
  }
};

}  // namespace wte::test
