#include "loggen/log_generator.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "log/master_log.hpp"

namespace {

using wte::loggen::Expected;
using wte::loggen::LogSpec;

std::vector<std::string> lines_of(const LogSpec& spec) {
  std::vector<std::string> lines;
  wte::loggen::generate(spec, [&](std::string_view l) { lines.emplace_back(l); });
  return lines;
}

void check_queue(const wte::loggen::ExpectedQueue& e, const wte::log::QueueCounts& c) {
  CHECK(c.items_total == e.items_total);
  CHECK(c.bytes_total == e.bytes_total);
  CHECK(c.items_started == e.items_started);
  CHECK(c.items_finished == e.items_finished);
  CHECK(c.items_succeeded == e.items_succeeded);
  CHECK(c.items_with_warnings == e.items_with_warnings);
  CHECK(c.items_failed == e.items_failed);
  CHECK(c.bytes_finished == e.bytes_finished);
  CHECK(c.warnings == e.warnings);
  CHECK(c.dangerous_items == e.dangerous_items);
  CHECK(c.skipped_items == e.skipped_items);
  CHECK(c.altered_items == e.altered_items);
  CHECK(c.child_failures == e.child_failures);
}

// Feeds the generated log to the engine in uneven chunks and compares with the truth.
Expected check_against_engine(const LogSpec& spec) {
  Expected expected;
  const std::string text = wte::loggen::generate_text(spec, &expected);
  wte::log::MasterLog log;
  for (std::size_t at = 0, step = 1; at < text.size(); at += step, step = step * 3 % 4093 + 1) {
    log.feed(std::string_view(text).substr(at, step));
  }
  log.finish();
  const auto& info = log.info();
  CHECK(info.state == expected.state);
  CHECK(info.initiator == expected.initiator);
  CHECK(info.version == expected.version);
  CHECK(info.remote_host == expected.remote_host);
  CHECK(info.started_at == expected.started_at);
  CHECK(info.last_event_at == expected.last_event_at);
  CHECK(info.lines == expected.lines);
  CHECK(info.malformed_lines == 0);
  CHECK(info.pending_bytes == 0);
  CHECK(expected.bytes == text.size());
  REQUIRE(log.model().queues().size() == expected.queues.size());
  for (const auto& q : expected.queues) {
    CAPTURE(q.name);
    const auto* got = log.model().queue(q.name);
    REQUIRE(got != nullptr);
    check_queue(q, got->counts);
  }
  return expected;
}

std::size_t count_containing(const std::vector<std::string>& lines, std::string_view needle) {
  std::size_t n = 0;
  for (const auto& l : lines) n += l.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("the same seed gives the same log; another seed another") {
  LogSpec spec;
  spec.accounts = 20;
  spec.seed = 7;
  const auto a = wte::loggen::generate_text(spec);
  CHECK(a == wte::loggen::generate_text(spec));
  spec.seed = 8;
  CHECK(a != wte::loggen::generate_text(spec));
}

TEST_CASE("every line is one JSON object of type control with a string action") {
  for (auto style : {LogSpec::Style::modern, LogSpec::Style::legacy, LogSpec::Style::mixed}) {
    LogSpec spec;
    spec.accounts = 30;
    spec.style = style;
    spec.failure_rate = 0.2;
    spec.dangerous_rate = 0.2;
    spec.child_failed_rate = 0.2;
    spec.pause_resume = true;
    for (const auto& line : lines_of(spec)) {
      CAPTURE(line);
      REQUIRE(line.find('\n') == std::string::npos);
      rapidjson::Document d;
      d.Parse(line.data(), line.size());
      REQUIRE_FALSE(d.HasParseError());
      REQUIRE(d.IsObject());
      CHECK(d["type"] == "control");
      REQUIRE(d.HasMember("contents"));
      REQUIRE(d["contents"].IsObject());
      CHECK(d["contents"]["action"].IsString());
      CHECK(d["contents"]["child_number"].IsInt());
    }
  }
}

TEST_CASE("legacy lines look like 2014, modern ones like 2020") {
  LogSpec spec;
  spec.accounts = 40;
  spec.failure_rate = 0.3;  // failure texts carry typographic quotes
  spec.style = LogSpec::Style::legacy;
  const auto legacy = lines_of(spec);
  CHECK(count_containing(legacy, "\"time\"") == 0);
  CHECK(count_containing(legacy, "\"indent\"") == 0);
  CHECK(count_containing(legacy, "\"pid\":\"") == legacy.size());
  CHECK(count_containing(legacy, "\\u201c") > 0);
  CHECK(count_containing(legacy, "“") == 0);
  CHECK(count_containing(legacy, "warning-item") == 0);
  spec.style = LogSpec::Style::modern;
  const auto modern = lines_of(spec);
  CHECK(count_containing(modern, "\"time\":") == modern.size());
  CHECK(count_containing(modern, "\"pid\":\"") == 0);
  CHECK(count_containing(modern, "“") > 0);
  CHECK(count_containing(modern, "\\u201c") == 0);
}

TEST_CASE("the log shows the events of real sessions") {
  LogSpec spec;
  spec.accounts = 60;
  spec.failure_rate = 0.3;
  spec.warning_rate = 0.5;
  spec.dangerous_rate = 0.3;
  spec.child_failed_rate = 0.3;
  spec.pause_resume = true;
  const auto lines = lines_of(spec);
  for (auto action : {"\"start\"", "\"initiator\"", "\"version\"", "\"queue_count\"",
                      "\"queue_size\"", "\"remotehost\"", "\"process-item\"", "\"start-item\"",
                      "\"success-item\"", "\"warning-item\"", "\"failed-item\"", "\"child-failed\"",
                      "\"pausing\"", "\"pause\"", "\"resume\"", "\"complete\""}) {
    CAPTURE(action);
    CHECK(count_containing(lines, std::string("\"action\":") + action) > 0);
  }
  CHECK(count_containing(lines, "\"msg\":\"1/3\"") > 0);
  CHECK(count_containing(lines, "[[\"Mysql\",\"_restore_mysql\",104],") > 0);
  CHECK(count_containing(lines, "\"Rename\",\"/scripts5/rename_mysql_db\"") > 0);

  // A failed TRANSFER is followed at once, by the same worker, by RESTORE start-item and
  // failed-item for the same account.
  bool saw_echo = false;
  for (std::size_t i = 0; i + 2 < lines.size(); ++i) {
    rapidjson::Document d;
    d.Parse(lines[i].c_str());
    const auto& c = d["contents"];
    if (c["action"] != "failed-item" || c["queue"] != "TRANSFER") continue;
    for (std::size_t k = 1; k <= 2; ++k) {
      rapidjson::Document n;
      n.Parse(lines[i + k].c_str());
      CHECK(n["contents"]["queue"] == "RESTORE");
      CHECK(n["contents"]["action"] == (k == 1 ? "start-item" : "failed-item"));
      CHECK(n["contents"]["item"] == c["item"]);
      CHECK(n["pid"] == d["pid"]);
    }
    saw_echo = true;
  }
  CHECK(saw_echo);
}

TEST_CASE("the master-log engine agrees with the generator's truth") {
  wte::loggen::ExpectedQueue sums;  // so the comparison is known to cover every count
  for (std::uint64_t seed : {1u, 2u, 3u, 42u}) {
    for (auto style : {LogSpec::Style::modern, LogSpec::Style::legacy, LogSpec::Style::mixed}) {
      for (const char* end : {"COMPLETED", "ABORTED", "FAILED", "RUNNING"}) {
        LogSpec spec;
        spec.seed = seed;
        spec.style = style;
        spec.end_state = end;
        spec.accounts = 25 + seed;
        spec.failure_rate = 0.15;
        spec.warning_rate = 0.4;
        spec.dangerous_rate = 0.15;
        spec.child_failed_rate = 0.2;
        spec.pause_resume = seed % 2 == 0;
        spec.initiator = seed == 3 ? "norootcopy" : "copyacct";
        CAPTURE(seed);
        CAPTURE(static_cast<int>(style));
        CAPTURE(end);
        for (const auto& q : check_against_engine(spec).queues) {
          sums.items_failed += q.items_failed;
          sums.items_with_warnings += q.items_with_warnings;
          sums.dangerous_items += q.dangerous_items;
          sums.altered_items += q.altered_items;
          sums.skipped_items += q.skipped_items;
          sums.child_failures += q.child_failures;
          sums.items_started += q.items_started - q.items_finished;
        }
      }
    }
  }
  CHECK(sums.items_failed > 0);
  CHECK(sums.items_with_warnings > 0);
  CHECK(sums.dangerous_items > 0);
  CHECK(sums.altered_items > 0);
  CHECK(sums.skipped_items > 0);
  CHECK(sums.child_failures > 0);
  CHECK(sums.items_started > 0);  // unfinished items, from the cut sessions
}

TEST_CASE("end states and a complete session's totals") {
  LogSpec spec;
  spec.accounts = 40;
  spec.failure_rate = 0.2;
  Expected e;
  wte::loggen::generate_text(spec, &e);
  CHECK(e.state == "COMPLETED");
  const auto* t = e.queue("TRANSFER");
  const auto* r = e.queue("RESTORE");
  REQUIRE((t && r));
  CHECK(t->items_total == 40);
  CHECK(r->items_total == 40);
  CHECK(t->items_finished == 40);
  CHECK(r->items_finished == 40);  // failed transfers are failed in RESTORE too
  CHECK(t->bytes_total == t->bytes_finished);
  CHECK(r->items_failed >= t->items_failed);
  CHECK(t->items_failed > 0);

  spec.end_state = "ABORTED";
  wte::loggen::generate_text(spec, &e);
  CHECK(e.state == "ABORTED");
  CHECK(e.queue("RESTORE")->items_finished < 40);
  spec.end_state = "RUNNING";
  wte::loggen::generate_text(spec, &e);
  CHECK(e.state == "RUNNING");
  spec.end_state = "FAILED";
  wte::loggen::generate_text(spec, &e);
  CHECK(e.state == "FAILED");
  spec.accounts = 0;
  spec.end_state = "COMPLETED";
  wte::loggen::generate_text(spec, &e);
  CHECK(e.state == "COMPLETED");
  CHECK(e.queue("TRANSFER")->items_total == 0);
}

TEST_CASE("a size target is reached within one line") {
  for (std::size_t target : {std::size_t{1}, std::size_t{5000}, std::size_t{300000}}) {
    LogSpec spec;
    spec.target_bytes = target;
    spec.seed = target;
    std::size_t bytes = 0, last = 0;
    const auto e = wte::loggen::generate(spec, [&](std::string_view l) {
      bytes += l.size() + 1;
      last = l.size() + 1;
    });
    CAPTURE(target);
    CHECK(bytes == e.bytes);
    CHECK(bytes >= target);
    CHECK(bytes - last < target);
    if (const auto* t = e.queue("TRANSFER")) CHECK(t->items_started <= t->items_total);
  }
  LogSpec spec;
  spec.target_bytes = 200000;
  check_against_engine(spec);
}
