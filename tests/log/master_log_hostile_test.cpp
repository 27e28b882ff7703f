// Malformed and hostile input: counted, skipped, never fatal, memory bounded.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "log/master_log.hpp"
#include "log/summary_json.hpp"
#include "log_builder.hpp"
#include "text/utf8.hpp"

using namespace wte::test;
using wte::log::MasterLog;

TEST_CASE("malformed lines are counted and skipped, the rest still counts") {
  const std::string log = control("start") + "{\"contents\":{\"action\":\"start\"\n" +  // truncated
                          "[1,2]\n" + "garbage\n" + std::string("{\"a\":\0}\n", 8) +
                          worker("success-item", "TRANSFER", "a", "{}") + "\n\n" +
                          control("complete");
  const auto m = summarize(log);
  CHECK(m.info().lines == 3);
  CHECK(m.info().malformed_lines == 4);
  CHECK(m.info().state == "COMPLETED");
  CHECK(m.model().queue("TRANSFER")->counts.items_succeeded == 1);
}

TEST_CASE("a 10 MB line is skipped without being buffered, the next line still counts") {
  MasterLog m;
  m.feed(control("start"));
  const std::string big(10 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 65536)
    m.feed(std::string_view(big).substr(i, 65536));
  CHECK(m.info().malformed_lines == 1);
  CHECK(m.info().overlong_lines == 1);
  m.feed("\n" + control("complete"));
  m.finish();
  CHECK(m.info().malformed_lines == 1);
  CHECK(m.info().lines == 2);
  CHECK(m.info().state == "COMPLETED");
}

TEST_CASE("the line limit is configurable") {
  wte::log::EngineLimits limits;
  limits.max_line_bytes = 100;
  MasterLog m(limits);
  m.feed(worker("success-item", "TRANSFER", std::string(100, 'n'), "{}") + control("start"));
  CHECK(m.info().malformed_lines == 1);
  CHECK(m.info().lines == 1);
}

TEST_CASE("huge numbers and wrong types never crash and never invent counts") {
  const auto m = summarize(
      queue_line("queue_count", "TRANSFER", "123456789012345678901234567890") +
      queue_line("queue_size", "TRANSFER", "99999999999999999999999999") +
      worker(
          "success-item", "TRANSFER", "a",
          R"({"size":-5,"warnings":"lots","dangerous_items":1.5,"skipped_items":[],"altered_items":{}})") +
      R"({"contents":{"action":"failed-item","queue":{"x":1},"item":"b"}})"
      "\n" +
      R"({"contents":{"action":"failed-item","queue":"TRANSFER","item":null}})"
      "\n");
  const auto& c = m.model().queue("TRANSFER")->counts;
  CHECK_FALSE(c.items_total);
  CHECK_FALSE(c.bytes_total);
  CHECK(c.items_succeeded == 1);
  CHECK(c.warnings == 0);
  CHECK(c.dangerous_items == 0);
  CHECK(c.bytes_finished == 0);
  CHECK(m.info().lines == 5);
}

TEST_CASE("a number too large for a double makes its line malformed (RapidJSON cannot hold it)") {
  const auto m = summarize(queue_line("queue_count", "TRANSFER", "1e400") + control("start"));
  CHECK(m.info().malformed_lines == 1);
  CHECK(m.info().lines == 1);
}

TEST_CASE("hostile strings come out as valid JSON with valid UTF-8") {
  // \u0001 is a control character once decoded; raw ones are invalid JSON (malformed).
  const std::string evil = "<script>\\\"x\\\"</script>\xFF\xFE\\u0001";
  const auto m = summarize(
      control("remotehost", "\"" + evil + "\"") +
      worker("failed-item", "TRANSFER", evil, R"({"failure":")" + evil + R"(\u0000end"})"));
  const std::string json = wte::log::summary_json(m.model());
  CHECK(wte::text::is_valid_utf8(json));
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc["items"].Size() == 1);
  CHECK(std::string(doc["items"][0]["item"].GetString()).starts_with("<script>\"x\"</script>"));
  const auto& failure = doc["items"][0]["failure"];
  CHECK(std::string(failure.GetString(), failure.GetStringLength())
            .ends_with(std::string("\0end", 4)));
}

TEST_CASE("memory grows with items, not with the number of lines") {
  MasterLog m;
  const std::string line = worker("warning-item", "RESTORE", "same",
                                  R"({"warnings":1,"contents":{"altered_items":["a","b"]}})");
  for (int i = 0; i < 20000; ++i) m.feed(line);
  CHECK(m.info().lines == 20000);
  CHECK(m.model().items().size() == 1);
  CHECK(m.model().items()[0].altered_texts.size() == 2);
  CHECK(m.model().queue("RESTORE")->counts.warnings == 1);
}
