#include "text/utf8.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using wte::text::bounded_utf8;
using wte::text::is_valid_utf8;

TEST_CASE("valid UTF-8 is recognised and kept as is") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xE2\x80\x9Croot\xE2\x80\x9D"));  // “root”
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));              // U+1F600
  CHECK(bounded_utf8("\xE2\x80\x9Croot\xE2\x80\x9D") == "\xE2\x80\x9Croot\xE2\x80\x9D");
}

TEST_CASE("ill-formed sequences are replaced by U+FFFD") {
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x80"));          // cut short
  CHECK(bounded_utf8("a\xFF"
                     "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(bounded_utf8("\xE2\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(is_valid_utf8(bounded_utf8("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
}

TEST_CASE("bounded text is cut on a character boundary and marked") {
  const std::string s = "\xE2\x80\x9C" + std::string(100, 'x');
  const std::string cut = bounded_utf8(s, 10);
  CHECK(cut.size() <= 10);
  CHECK(is_valid_utf8(cut));
  CHECK(cut.ends_with("\xE2\x80\xA6"));
  CHECK(bounded_utf8("short", 10) == "short");
  CHECK(bounded_utf8("exactly10!", 10) == "exactly10!");
}

// The ASCII fast paths (eight bytes at a time, runs copied whole) must give exactly what a
// byte-by-byte repair gives, at every length and every limit.
namespace {
std::string repair_byte_by_byte(std::string_view s, std::size_t max_bytes, bool& cut) {
  std::string out;
  cut = false;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 0;
    for (std::size_t n = 1; n <= 4 && i + n <= s.size(); ++n) {
      if (is_valid_utf8(s.substr(i, n))) {
        len = n;
        break;
      }
    }
    const std::string_view piece = len ? s.substr(i, len) : std::string_view("\xEF\xBF\xBD");
    if (out.size() + piece.size() > max_bytes) {
      cut = true;
      break;
    }
    out.append(piece);
    i += len ? len : 1;
  }
  return out;
}
}  // namespace

TEST_CASE("ASCII runs, multi-byte characters and bad bytes mixed at every limit") {
  const std::string samples[] = {
      std::string(37, 'a'),
      "abcdefghijklmnop\xE2\x80\x9Cqrstuvwxyz0123456789\xC3\xA9",
      "0123456\xFF"
      "89abcdefghij\xF0\x9F\x98\x80klmnopqrstu\xE2\x80",
      "\xC3\xA9" + std::string(20, 'z') + "\xED\xA0\x80" + std::string(9, 'y'),
  };
  for (const auto& s : samples) {
    bool unused = false;
    CHECK(is_valid_utf8(s) == (repair_byte_by_byte(s, s.size(), unused) == s));
    for (std::size_t max = 0; max <= s.size() + 8; ++max) {
      std::string out;
      bool expected_cut = false;
      const std::string expected = repair_byte_by_byte(s, max, expected_cut);
      CHECK(wte::text::append_valid_utf8(out, s, max) == expected_cut);
      CHECK(out == expected);
      const std::string bounded = bounded_utf8(s, max);
      CHECK(bounded.size() <= std::max<std::size_t>(max, 3));
      CHECK(is_valid_utf8(bounded));
    }
  }
}
