// The JSON members of a session's overview, written from a hand-made overview: every name,
// null for what is unknown (and for a rate that is not a number), the slowest accounts of
// every queue together, longest first.
#include "log/overview_json.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

using wte::log::SessionOverview;

namespace {

std::string overview_json(const SessionOverview& o) {
  rapidjson::StringBuffer out;
  wte::log::JsonWriter w(out);
  w.StartObject();
  wte::log::write_overview_members(w, o);
  w.EndObject();
  return out.GetString();
}

}  // namespace

TEST_CASE("an overview of nothing: zeros, nulls and empty lists") {
  CHECK(overview_json(SessionOverview{}) ==
        R"({"accounts":{"total":null,"done":0,"failed":0,"with_dangerous_items":0,)"
        R"("remaining":null},"throughput":{"accounts_per_hour":null,"bytes_per_hour":null,)"
        R"("window_seconds":null,"from_exporter_clock":false,"queues":{}},)"
        R"("estimated_completion":null,"failed_accounts":[],"dangerous_accounts":[],)"
        R"("slowest_accounts":[]})");
}

TEST_CASE("every member of a busy overview") {
  const std::vector<std::string> texts{"a cron job", "an <odd> \"name\""};
  SessionOverview o;
  o.accounts = {.total = 5, .done = 3, .failed = 1, .with_dangerous_items = 1, .remaining = 2};
  o.throughput.accounts_per_hour = 1.5;
  o.throughput.bytes_per_hour = std::numeric_limits<double>::infinity();  // not JSON: null
  o.throughput.window_seconds = 3600;
  o.throughput.estimated_completion = 1'700'000'000;
  o.from_exporter_clock = true;
  wte::log::QueueOverview transfer;
  transfer.queue = "TRANSFER";
  transfer.throughput.accounts_per_hour = 2;
  transfer.slowest = {{"fast", "TRANSFER", 10}, {"slow", "TRANSFER", 90}};
  wte::log::QueueOverview restore;
  restore.queue = "RESTORE";
  restore.throughput.estimated_completion = 1'700'000'100;
  restore.slowest = {{"middle", "RESTORE", 50}};
  o.queues = {transfer, restore};
  o.failed_accounts = {{"bob", "RESTORE", "disk full", "disk"}, {"eve", "TRANSFER", {}, ""}};
  o.dangerous_accounts = {{"carol", 2, &texts}, {"dave", 1, nullptr}};

  CHECK(overview_json(o) ==
        R"({"accounts":{"total":5,"done":3,"failed":1,"with_dangerous_items":1,"remaining":2},)"
        R"("throughput":{"accounts_per_hour":1.5,"bytes_per_hour":null,"window_seconds":3600,)"
        R"("from_exporter_clock":true,"queues":{)"
        R"("TRANSFER":{"accounts_per_hour":2.0,"bytes_per_hour":null,"estimated_completion":null},)"
        R"("RESTORE":{"accounts_per_hour":null,"bytes_per_hour":null,)"
        R"("estimated_completion":1700000100}}},)"
        R"("estimated_completion":1700000000,)"
        R"("failed_accounts":[{"account":"bob","queue":"RESTORE","failure":"disk full",)"
        R"("cause":"disk"},{"account":"eve","queue":"TRANSFER","failure":null,"cause":""}],)"
        R"("dangerous_accounts":[{"account":"carol","dangerous_items":2,)"
        R"("texts":["a cron job","an <odd> \"name\""]},)"
        R"({"account":"dave","dangerous_items":1,"texts":[]}],)"
        R"("slowest_accounts":[{"account":"slow","queue":"TRANSFER","seconds":90},)"
        R"({"account":"middle","queue":"RESTORE","seconds":50},)"
        R"({"account":"fast","queue":"TRANSFER","seconds":10}]})");
}
