#include "sources/host_status.hpp"

#include <doctest/doctest.h>

using wte::sources::HostStatus;
using wte::sources::PollProblem;

TEST_CASE("a host before its first poll, up, down and up again") {
  HostStatus s;
  auto v = s.view("h1", "remote");
  CHECK(v.name == "h1");
  CHECK(v.kind == "remote");
  CHECK_FALSE(v.up);
  CHECK_FALSE(s.polled());
  CHECK(v.last_error_message == "not polled yet");

  CHECK(s.succeeded(100, 0.5));  // it was down (never polled)
  v = s.view("h1", "remote");
  CHECK(v.up);
  CHECK(v.last_success_unix == 100);
  CHECK(v.last_poll_unix == 100);
  CHECK(v.last_poll_duration_seconds == 0.5);
  CHECK(v.last_error_reason.empty());
  CHECK(v.last_error_message.empty());
  CHECK_FALSE(s.succeeded(110, 0.1));

  CHECK(s.failed(120, 2, PollProblem{"timeout", "no answer in 2s"}));
  v = s.view("h1", "remote");
  CHECK_FALSE(v.up);
  CHECK(v.last_success_unix == 110);  // the last success stays
  CHECK(v.last_poll_unix == 120);
  CHECK(v.last_error_reason == "timeout");
  CHECK(v.last_error_message == "no answer in 2s");
  CHECK_FALSE(s.failed(130, 2, PollProblem{"timeout", "again"}));

  s.reset();
  CHECK_FALSE(s.polled());
  CHECK(s.view("h1", "remote").last_error_message == "not polled yet");
}

TEST_CASE("a success with a note stays up and shows the note") {
  HostStatus s;
  s.succeeded(100, 0.1, PollProblem{"database", "whmxfer.sqlite is locked"});
  const auto v = s.view("local", "local");
  CHECK(v.up);
  CHECK(v.last_error_reason == "database");
  CHECK(v.last_error_message == "whmxfer.sqlite is locked");
}
