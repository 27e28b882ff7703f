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

TEST_CASE("the overview's members come last: the document before them is unchanged") {
  for (const char* name : {"openapi-2020-failed-root.log", "seed-2014-three-accounts.log"}) {
    CAPTURE(name);
    wte::log::MasterLog m;
    m.feed(wte::test::fixture_log(name));
    m.finish();
    const std::string before = wte::log::summary_json(m.model(), {.overview = false});
    const std::string after = wte::log::summary_json(m.model());
    REQUIRE(after.size() > before.size());
    CHECK(after.substr(0, before.size() - 1) == before.substr(0, before.size() - 1));
    CHECK(after[before.size() - 1] == ',');
    const auto d = parse(after);
    for (const char* k : {"accounts", "throughput", "estimated_completion", "failed_accounts",
                          "dangerous_accounts", "slowest_accounts"}) {
      CHECK(d.HasMember(k));
    }
  }
}

TEST_CASE("openapi-2020-failed-root.log: the overview's members, exactly") {
  wte::log::MasterLog m;
  m.feed(wte::test::fixture_log("openapi-2020-failed-root.log"));
  const std::string json = wte::log::summary_json(m.model(), {.items = false});
  const std::string members = json.substr(json.find(R"("accounts":)"));
  CHECK(members ==
        R"("accounts":{"total":1,"done":1,"failed":1,"with_dangerous_items":0,"remaining":0},)"
        R"("throughput":{"accounts_per_hour":0.0,"bytes_per_hour":0.0,"window_seconds":1,)"
        R"("from_exporter_clock":false,"queues":{)"
        R"("TRANSFER":{"accounts_per_hour":0.0,"bytes_per_hour":0.0,"estimated_completion":null},)"
        R"("RESTORE":{"accounts_per_hour":0.0,"bytes_per_hour":0.0,"estimated_completion":null}}},)"
        R"("estimated_completion":null,)"
        R"("failed_accounts":[{"account":"root","queue":"TRANSFER",)"
        R"("failure":"The account “root” already exists on “control.box.new”.",)"
        R"("cause":"The account “…” already exists on “…”."}],)"
        R"("dangerous_accounts":[],)"
        R"("slowest_accounts":[{"account":"root","queue":"TRANSFER","seconds":0},)"
        R"({"account":"root","queue":"RESTORE","seconds":0}]})");
}

TEST_CASE("seed-2014-three-accounts.log (no times): time is unknown, accounts are not") {
  wte::log::MasterLog m;
  m.feed(wte::test::fixture_log("seed-2014-three-accounts.log"));
  const auto d = parse(wte::log::summary_json(m.model()));
  CHECK(d["accounts"]["total"].GetInt() == 3);
  CHECK(d["accounts"]["done"].GetInt() == 3);
  CHECK(d["accounts"]["with_dangerous_items"].GetInt() == 1);
  CHECK(d["throughput"]["accounts_per_hour"].IsNull());
  CHECK(d["throughput"]["window_seconds"].IsNull());
  CHECK_FALSE(d["throughput"]["from_exporter_clock"].GetBool());
  CHECK(d["estimated_completion"].IsNull());
  CHECK(d["slowest_accounts"].Size() == 0);
  CHECK(d["dangerous_accounts"][0]["texts"].Size() == 1);
}
