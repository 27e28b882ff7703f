#include "log/summary_json.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "log/master_log.hpp"
#include "support/test_files.hpp"

namespace {
rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
}  // namespace

TEST_CASE("the JSON document has exactly the documented fields") {
  wte::log::MasterLog m;
  m.feed(wte::test::fixture_log("openapi-2020-failed-root.log"));
  const auto d = parse(wte::log::summary_json(m.model()));
  const char* session_fields[] = {"state",       "initiator",       "version",
                                  "remote_host", "started_at",      "last_event_at",
                                  "lines",       "malformed_lines", "pending_bytes"};
  for (const char* f : session_fields) CHECK(d["session"].HasMember(f));
  CHECK(d["session"].MemberCount() == 9);
  CHECK(std::string(d["session"]["version"].GetString()) == "2.3");
  const char* queue_fields[] = {
      "items_total",         "bytes_total",   "items_started",  "items_finished", "items_succeeded",
      "items_with_warnings", "items_failed",  "bytes_finished", "warnings",       "dangerous_items",
      "skipped_items",       "altered_items", "child_failures", "progress"};
  for (const char* qn : {"TRANSFER", "RESTORE"}) {
    const auto& q = d["queues"][qn];
    for (const char* f : queue_fields) CHECK(q.HasMember(f));
    CHECK(q.MemberCount() == 14);
    CHECK(q["items_failed"].GetInt() == 1);
    CHECK(q["progress"].GetDouble() == doctest::Approx(1.0));
  }
  const char* item_fields[] = {"queue",         "item",          "item_type", "status",
                               "had_warnings",  "size",          "warnings",  "dangerous_items",
                               "skipped_items", "altered_items", "failure"};
  const auto& item = d["items"][0];
  for (const char* f : item_fields) CHECK(item.HasMember(f));
  CHECK(std::string(item["status"].GetString()) == "failed");
}

TEST_CASE("unknown values are null, never made up") {
  wte::log::MasterLog m;
  const auto d = parse(wte::log::summary_json(m.model()));
  CHECK(std::string(d["session"]["state"].GetString()) == "PENDING");
  CHECK(d["session"]["initiator"].IsNull());
  CHECK(d["session"]["started_at"].IsNull());
  CHECK(d["queues"]["TRANSFER"]["items_total"].IsNull());
  CHECK(d["queues"]["TRANSFER"]["bytes_total"].IsNull());
  CHECK(d["queues"]["RESTORE"]["progress"].IsNull());
  CHECK(d["items"].Size() == 0);
}

TEST_CASE("items can be left out") {
  wte::log::MasterLog m;
  const auto d = parse(wte::log::summary_json(m.model(), {.items = false}));
  CHECK_FALSE(d.HasMember("items"));
}
