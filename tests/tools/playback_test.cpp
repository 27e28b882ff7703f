#include "whm-sim/playback.hpp"

#include <doctest/doctest.h>

#include <string>

#include "loggen/log_generator.hpp"
#include "loggen/session_id.hpp"

using wte::whmsim::Clock;
using wte::whmsim::Playback;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0{std::chrono::hours(1)};

std::string lines(std::initializer_list<std::string_view> actions) {
  std::string log;
  for (auto a : actions) {
    log += R"({"pid":1,"type":"control","contents":{"action":")" + std::string(a) +
           R"(","child_number":0}})" + "\n";
  }
  return log;
}

}  // namespace

TEST_CASE("lines are released at the rate from the start, whole lines only") {
  const std::string log = lines({"start", "initiator", "version", "complete"});
  Playback p(log, 2.0, t0);  // two lines a second
  CHECK(p.lines_total() == 4);
  CHECK(p.released_lines(t0 - 1s) == 0);
  CHECK(p.released_text(t0 - 1s).empty());
  CHECK(p.api_state(t0 - 1s, std::nullopt) == "PENDING");
  CHECK(p.released_lines(t0) == 0);
  CHECK(p.api_state(t0, std::nullopt) == "RUNNING");  // started, nothing written yet
  CHECK(p.released_lines(t0 + 999ms) == 1);
  CHECK(p.released_lines(t0 + 1s) == 2);
  const auto text = p.released_text(t0 + 1s);
  CHECK(text == log.substr(0, text.size()));
  CHECK(text.back() == '\n');
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);
  CHECK(p.api_state(t0 + 1s, std::nullopt) == "RUNNING");
  CHECK_FALSE(p.finished(t0 + 1s));
  CHECK(p.released_lines(t0 + 1h) == 4);
  CHECK(p.released_text(t0 + 1h) == log);
  CHECK(p.api_state(t0 + 1h, std::nullopt) == "COMPLETED");
  CHECK(p.api_state(t0 + 1h, std::string("FAILED")) == "FAILED");  // an override at the end
  CHECK(p.api_state(t0 + 1s, std::string("FAILED")) == "RUNNING");
}

TEST_CASE("the API state follows pause, resume and abort in the log") {
  const std::string log = lines({"start", "pausing", "pause", "resume", "aborting", "abort"});
  Playback p(log, 1.0, t0);
  CHECK(p.api_state(t0 + 1s, std::nullopt) == "RUNNING");
  CHECK(p.api_state(t0 + 2s, std::nullopt) == "PAUSING");
  CHECK(p.api_state(t0 + 3s, std::nullopt) == "PAUSED");
  CHECK(p.api_state(t0 + 4s, std::nullopt) == "RUNNING");
  CHECK(p.api_state(t0 + 5s, std::nullopt) == "ABORTING");
  CHECK(p.api_state(t0 + 6s, std::nullopt) == "ABORTED");
}

TEST_CASE("a log that never ends stays RUNNING; release_all releases everything") {
  wte::loggen::LogSpec spec;
  spec.end_state = "RUNNING";
  spec.accounts = 12;
  const std::string log = wte::loggen::generate_text(spec);
  Playback p(log, 0.5, t0);
  CHECK(p.released_lines(t0 + 3s) == 1);
  p.release_all();
  CHECK(p.released_lines(t0 - 1h) == p.lines_total());
  CHECK(p.released_text(t0) == log);
  CHECK(p.api_state(t0, std::nullopt) == "RUNNING");
}

TEST_CASE("a last line without a newline is released as it is; junk lines change nothing") {
  const std::string log = "not json\n" + lines({"start"}) + R"({"contents":{"action":"comp)";
  Playback p(log, 10.0, t0);
  CHECK(p.lines_total() == 3);
  CHECK(p.released_text(t0 + 1h) == log);
  CHECK(p.api_state(t0 + 1h, std::nullopt) == "RUNNING");
}

TEST_CASE("session ids look like cPanel's") {
  CHECK(wte::loggen::utc_stamp(1393259652) == "20140224163412");
  const auto id = wte::loggen::make_session_id("vm5.docs.cpanel.net", "copyacct", 1393259652, 9);
  CHECK(id.size() == 36);
  CHECK(id.starts_with("vm5docscpanelcopya20140224163412"));  // the documentation's example
  CHECK(id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") ==
        std::string::npos);
  CHECK(id == wte::loggen::make_session_id("vm5.docs.cpanel.net", "copyacct", 1393259652, 9));
  CHECK(id != wte::loggen::make_session_id("vm5.docs.cpanel.net", "copyacct", 1393259652, 10));
}
