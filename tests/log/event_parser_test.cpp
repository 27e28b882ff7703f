#include "log/event_parser.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using wte::log::EventParser;
using wte::log::MsgKind;
using wte::log::parse_count;

TEST_CASE("parse_count accepts numbers and numbers written as strings") {
  CHECK(parse_count("73682944") == 73682944);
  CHECK(parse_count(" 3 ") == 3);
  CHECK(parse_count("5.0") == 5);
  CHECK(parse_count("1e3") == 1000);
  CHECK(parse_count("0") == 0);
  CHECK_FALSE(parse_count(""));
  CHECK_FALSE(parse_count("abc"));
  CHECK_FALSE(parse_count("-1"));
  CHECK_FALSE(parse_count("1.5"));
  CHECK_FALSE(parse_count("99999999999999999999999"));
  CHECK_FALSE(parse_count("1e400"));
  CHECK_FALSE(parse_count("12abc"));
}

TEST_CASE("parse_count: the all-digits fast path agrees with the general one at its edges") {
  CHECK(parse_count("000000000000000007") == 7);
  CHECK(parse_count("999999999999999999") == 999999999999999999);  // 18 digits: fast path
  CHECK(parse_count("9223372036854775807") == INT64_MAX);          // 19 digits: from_chars
  CHECK_FALSE(parse_count("9223372036854775808"));
  for (const std::string bad : {"1/", "1:", "/1", ":", "1 2", "+1", "0x1"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_count(bad));
  }
  CHECK(parse_count("\t12\t") == 12);
}

TEST_CASE("counts come from the last msg only, when it is an object") {
  EventParser p;
  REQUIRE(p.parse(
      R"({"contents":{"action":"success-item","queue":"RESTORE","item":"a","msg":{"warnings":3,"size":9},"msg":"done"}})"));
  CHECK(p.event().msg_kind == MsgKind::scalar);
  CHECK(p.event().msg_scalar == "done");
  CHECK_FALSE(p.event().counts.warnings);
  CHECK_FALSE(p.event().counts.size);
  // Every line starts afresh: the next line's counts are its own.
  REQUIRE(p.parse(
      R"({"contents":{"action":"success-item","queue":"RESTORE","item":"a","msg":{"skipped_items":"2"}}})"));
  CHECK(p.event().counts.skipped_items == 2);
  CHECK_FALSE(p.event().counts.warnings);
}

TEST_CASE("a modern line is decoded") {
  EventParser p;
  REQUIRE(p.parse(
      R"({"pid":12790,"type":"control","contents":{"action":"start-item","queue":"TRANSFER","item":"root","item_type":"AccountRemoteUser","child_number":1,"time":1598991042,"msg":{"size":1}}})"));
  const auto& e = p.event();
  CHECK(e.action == "start-item");
  CHECK(e.queue == "TRANSFER");
  CHECK(e.item == "root");
  CHECK(e.item_type == "AccountRemoteUser");
  CHECK(e.time == 1598991042);
  CHECK(e.msg_kind == MsgKind::object);
  CHECK(e.counts.size == 1);
}

TEST_CASE("a legacy line with numbers as strings and no time is decoded") {
  EventParser p;
  REQUIRE(p.parse(
      R"({"pid":"14358","contents":{"msg":"3","action":"queue_count","queue":"TRANSFER","child_number":0},"type":"control"})"));
  const auto& e = p.event();
  CHECK(e.action == "queue_count");
  CHECK(e.msg_kind == MsgKind::scalar);
  CHECK(e.msg_scalar == "3");
  CHECK_FALSE(e.time);
}

TEST_CASE("msg of every type") {
  EventParser p;
  REQUIRE(p.parse(R"({"contents":{"action":"version","msg":2.3}})"));
  CHECK(p.event().msg_kind == MsgKind::scalar);
  CHECK(p.event().msg_scalar == "2.3");  // the literal, not a rounded double
  REQUIRE(p.parse(R"({"contents":{"action":"version","msg":null}})"));
  CHECK(p.event().msg_kind == MsgKind::null);
  REQUIRE(p.parse(R"({"contents":{"action":"version","msg":[1,[2]]}})"));
  CHECK(p.event().msg_kind == MsgKind::other);
  REQUIRE(p.parse(R"({"contents":{"action":"version","msg":true}})"));
  CHECK(p.event().msg_kind == MsgKind::other);
  REQUIRE(p.parse(R"({"contents":{"action":"version"}})"));
  CHECK(p.event().msg_kind == MsgKind::absent);
}

TEST_CASE("escapes are decoded, raw UTF-8 kept") {
  EventParser p;
  REQUIRE(p.parse(
      R"({"contents":{"action":"failed-item","queue":"RESTORE","item":"a","msg":{"failure":"The account \u201croot\u201d\nexists"}}})"));
  CHECK(p.event().failure == "The account \xE2\x80\x9Croot\xE2\x80\x9D\nexists");
  REQUIRE(
      p.parse("{\"contents\":{\"action\":\"failed-item\",\"queue\":\"R\",\"item\":\"a\",\"msg\":{"
              "\"failure\":\"\xE2\x80\x9Croot\xE2\x80\x9D\"}}}"));
  CHECK(p.event().failure == "\xE2\x80\x9Croot\xE2\x80\x9D");
}

TEST_CASE("dangerous and altered texts come from nested contents arrays") {
  EventParser p;
  REQUIRE(p.parse(
      R"({"contents":{"msg":{"warnings":4,"dangerous_items":1,"contents":{"dangerous_items":[[["Mysql","_restore_mysql",104],"MySQL: skipping grants",null]],"altered_items":[[["Mysql","_update_dbname",437],"db renamed",["Rename","/x",{"new":"a","orig":"b"}]],"plain text",[["deep",[["deeper"]]],"second"]]},"skipped_items":"10","altered_items":1},"action":"success-item","queue":"RESTORE","item":"colin"}})"));
  const auto& e = p.event();
  REQUIRE(e.dangerous_texts.size() == 1);
  CHECK(e.dangerous_texts[0] == "MySQL: skipping grants");
  REQUIRE(e.altered_texts.size() == 3);
  CHECK(e.altered_texts[0] == "db renamed");
  CHECK(e.altered_texts[1] == "plain text");
  CHECK(e.altered_texts[2] == "second");
  CHECK(e.counts.warnings == 4);
  CHECK(e.counts.skipped_items == 10);
  CHECK(e.counts.dangerous_items == 1);
}

TEST_CASE("key order does not matter") {
  EventParser p;
  REQUIRE(p.parse(
      R"({"type":"control","contents":{"msg":{"size":"7"},"item":"x","queue":"TRANSFER","action":"start-item"},"pid":1})"));
  CHECK(p.event().action == "start-item");
  CHECK(p.event().counts.size == 7);
}

TEST_CASE("malformed lines are rejected") {
  EventParser p;
  for (const std::string& line : {
           std::string(R"({"contents":{"action":"start")"),  // truncated
           std::string(R"([1,2,3])"),                        // not an object
           std::string(R"("text")"),
           std::string(R"({"contents":[{"action":"start"}]})"),  // contents not an object
           std::string(R"({"contents":{"action":5}})"),          // action not a string
           std::string(R"({"contents":{"msg":"x"}})"),           // no action
           std::string(R"({"action":"start"})"),                 // action outside contents
           std::string(R"({"contents":{"action":"start"}} trailing)"),
           std::string(R"({"contents":{"action":"start"}}{"x":1})"),
           std::string("{\"contents\":{\"action\":\"st\0art\"}}", 32),  // NUL byte
           std::string("{\"contents\":{\"action\":\"start\"}}\0", 32),  // NUL after the object
           std::string("not json at all"),
       }) {
    CAPTURE(line);
    CHECK_FALSE(p.parse(line));
  }
}

TEST_CASE("wrong types in known fields are ignored, not fatal") {
  EventParser p;
  REQUIRE(p.parse(
      R"({"contents":{"action":"success-item","queue":5,"item":{"a":1},"time":"soon","msg":{"size":[1],"warnings":{"x":1},"failure":7,"contents":{"dangerous_items":"none","altered_items":{"a":"b"}}}}})"));
  const auto& e = p.event();
  CHECK(e.action == "success-item");
  CHECK(e.queue == "5");  // a number literal is still text
  CHECK_FALSE(e.item);
  CHECK_FALSE(e.time);
  CHECK_FALSE(e.counts.size);
  CHECK_FALSE(e.counts.warnings);
  CHECK(e.dangerous_texts.empty());
  CHECK(e.altered_texts.empty());
}

TEST_CASE("deep nesting is skipped without recursion") {
  EventParser p;
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  REQUIRE(p.parse(R"({"contents":{"action":"start","msg":)" + deep + "}}"));
  CHECK(p.event().action == "start");
  CHECK_FALSE(p.parse(std::string(200000, '[')));
  const std::string deep_texts =
      R"({"contents":{"action":"success-item","msg":{"contents":{"dangerous_items":[[)" +
      std::string(100000, '[') + std::string(100000, ']') + "]]}}}}";
  CHECK(p.parse(deep_texts));
}

TEST_CASE("the number of texts per line is bounded") {
  std::string list;
  for (int i = 0; i < 1000; ++i) list += std::string(i ? "," : "") + "\"t\"";
  EventParser p;
  REQUIRE(p.parse(R"({"contents":{"action":"success-item","msg":{"contents":{"altered_items":[)" +
                  list + "]}}}}"));
  CHECK(p.event().altered_texts.size() == EventParser::kMaxTextsPerLine);
}
