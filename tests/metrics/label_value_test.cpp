// Label values: valid UTF-8 always; failure texts bounded and on one line.
#include "metrics/label_value.hpp"

#include <doctest/doctest.h>

#include "text/utf8.hpp"

using wte::metrics::failure_label;
using wte::metrics::kFailureLabelBytes;
using wte::metrics::label_value;

TEST_CASE("label_value repairs invalid UTF-8 and keeps the rest as is") {
  CHECK(label_value("plain") == "plain");
  CHECK(label_value("a\"b\\c\nd") == "a\"b\\c\nd");  // escaping is the serializer's job
  CHECK(label_value("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(label_value("bad\xFF") == "bad\xEF\xBF\xBD");
  const std::string cut = label_value("cut\xE2\x80");  // a character cut short
  CHECK(cut.starts_with("cut\xEF\xBF\xBD"));
  CHECK(wte::text::is_valid_utf8(cut));
  CHECK(label_value("") == "");
}

TEST_CASE("failure_label: newlines and control characters become spaces") {
  CHECK(failure_label("a\nb\r\nc\td\x01") == "a b  c d ");
  CHECK(failure_label("short") == "short");
  CHECK(failure_label("") == "");
}

TEST_CASE("failure_label: the first 200 bytes, cut on a character boundary") {
  CHECK(failure_label(std::string(500, 'x')) == std::string(kFailureLabelBytes, 'x'));
  CHECK(failure_label(std::string(200, 'x')).size() == 200);
  // "a" then 2-byte characters: byte 200 would split one, so 199 bytes are kept.
  std::string text = "a";
  for (int i = 0; i < 150; ++i) text += "\xC3\xA9";
  const std::string label = failure_label(text);
  CHECK(label.size() == 199);
  CHECK(wte::text::is_valid_utf8(label));
  CHECK(label == text.substr(0, 199));
  // 4-byte characters: 50 of them fit exactly.
  std::string emoji;
  for (int i = 0; i < 60; ++i) emoji += "\xF0\x9F\x98\x80";
  CHECK(failure_label(emoji) == emoji.substr(0, 200));
  CHECK(wte::text::is_valid_utf8(failure_label("x\xFF" + std::string(300, 'y'))));
}
