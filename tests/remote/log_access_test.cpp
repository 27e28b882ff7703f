#include "remote/log_access.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using wte::remote::HostLogAccess;
using wte::remote::LogAccess;
using wte::remote::LogRequest;
using wte::remote::next_log_request;

TEST_CASE("what to ask for: never a second master.log while one may be held") {
  for (auto access : {LogAccess::unknown, LogAccess::active_log, LogAccess::master_log_at_once,
                      LogAccess::waits_for_end}) {
    CAPTURE(to_string(access));
    CHECK(next_log_request(false, access, true) == LogRequest::none);
    CHECK(next_log_request(true, access, true) == LogRequest::none);
    CHECK(next_log_request(true, access, false) == LogRequest::final_log);
  }
  CHECK(next_log_request(false, LogAccess::unknown, false) == LogRequest::active_log);
  CHECK(next_log_request(false, LogAccess::active_log, false) == LogRequest::active_log);
  CHECK(next_log_request(false, LogAccess::master_log_at_once, false) == LogRequest::wait_for_end);
  CHECK(next_log_request(false, LogAccess::waits_for_end, false) == LogRequest::wait_for_end);
}

TEST_CASE("a host is learned from its answers") {
  SUBCASE("current cPanel: .master.log answers") {
    HostLogAccess h;
    CHECK(h.access() == LogAccess::unknown);
    h.active_log_answered();
    CHECK(h.access() == LogAccess::active_log);
    // A session that just ended (.master.log gone, master.log at once) changes nothing.
    h.wait_answered(50ms, 10s, true);
    h.wait_answered(50ms, 10s, false);
    h.wait_pending(1h, 10s);
    CHECK(h.access() == LogAccess::active_log);
  }
  SUBCASE("an older server: master.log at once with a running log") {
    HostLogAccess h;
    h.wait_answered(50ms, 10s, false);
    CHECK(h.access() == LogAccess::master_log_at_once);
  }
  SUBCASE("master.log at once because the session had just ended: nothing learned") {
    HostLogAccess h;
    h.wait_answered(50ms, 10s, true);
    CHECK(h.access() == LogAccess::unknown);
  }
  SUBCASE("a server that holds master.log until the end") {
    HostLogAccess h;
    h.wait_pending(9s, 10s);
    CHECK(h.access() == LogAccess::unknown);
    h.wait_pending(11s, 10s);
    CHECK(h.access() == LogAccess::waits_for_end);
    h.wait_answered(3h, 10s, true);  // the end came
    CHECK(h.access() == LogAccess::waits_for_end);
  }
}

TEST_CASE("names for labels and for people") {
  CHECK(to_string(LogAccess::active_log) == "active_log");
  CHECK(to_string(LogAccess::master_log_at_once) == "master_log_at_once");
  CHECK(to_string(LogAccess::waits_for_end) == "waits_for_end");
  CHECK(describe(LogAccess::active_log) == "reads the active log at once");
  CHECK(describe(LogAccess::waits_for_end).find("when each session ends") != std::string::npos);
}
