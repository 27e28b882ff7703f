#include "text/utf8.hpp"

#include <doctest/doctest.h>

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
