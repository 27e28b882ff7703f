// Parsing outside JSON with bounded stack and depth: documents as deep as the limit parse,
// deeper ones are refused with a message (also 150,000 levels, which would overflow a
// recursive parser's stack), and a failed parse leaves a null document.
#include "text/bounded_json.hpp"

#include <doctest/doctest.h>

#include <string>

using wte::text::parse_json;

namespace {

std::string nested(unsigned depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

wte::text::BoundedParse parse(rapidjson::Document& doc, const std::string& text,
                              unsigned max_depth = wte::text::kMaxJsonDepth) {
  return parse_json(doc, text.data(), text.size(), max_depth);
}

}  // namespace

TEST_CASE("a document within the limits parses whole") {
  rapidjson::Document doc;
  const auto r = parse(doc, R"({"data":{"state_name":"RUNNING","n":[1,2.5,true,null]}})");
  REQUIRE(r.ok());
  CHECK(doc["data"]["state_name"] == "RUNNING");
  CHECK(doc["data"]["n"].Size() == 4);
}

TEST_CASE("the depth limit counts objects and arrays; deeper is refused, not parsed") {
  rapidjson::Document doc;
  CHECK(parse(doc, nested(wte::text::kMaxJsonDepth)).ok());
  const auto deep = parse(doc, nested(wte::text::kMaxJsonDepth + 1));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.too_deep);
  CHECK(deep.message() == "nested deeper than 64 levels");
  CHECK(doc.IsNull());

  CHECK(parse(doc, R"({"a":{"b":[1]}})", 3).ok());
  const auto three = parse(doc, R"({"a":{"b":[[1]]}})", 3);
  REQUIRE_FALSE(three.ok());
  CHECK(three.message(3) == "nested deeper than 3 levels");
}

TEST_CASE("150,000 levels: refused at the limit, the stack untouched") {
  rapidjson::Document doc;
  const auto r = parse(doc, nested(150'000));
  REQUIRE_FALSE(r.ok());
  CHECK(r.too_deep);
}

TEST_CASE("a syntax error says RapidJSON's words and where, never the input") {
  rapidjson::Document doc;
  const std::string secret = R"({"token":"SECRET" "x"})";
  const auto r = parse(doc, secret);
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(r.too_deep);
  CHECK(r.offset() > 0);
  CHECK(r.message().find("SECRET") == std::string::npos);
  CHECK_FALSE(r.message().empty());
  CHECK(doc.IsNull());
}

TEST_CASE("the buffer need not end in NUL: only `size` bytes are read") {
  const std::string text = R"([1,2]garbage)";
  rapidjson::Document doc;
  REQUIRE(parse_json(doc, text.data(), 5).ok());
  CHECK(doc.Size() == 2);
}
