#include "text/escape.hpp"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("HTML escaping covers text and attributes, and appends") {
  std::string out = "<p>";
  wte::text::append_html_escaped(out, "<script>alert(\"x\" & 'y')</script>");
  CHECK(out == "<p>&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  out.clear();
  wte::text::append_html_escaped(out, "plain");
  CHECK(out == "plain");
}

TEST_CASE("printable shows control characters") {
  CHECK(wte::text::printable("a\nb\tc\x01"
                             "d\x7F") == "a\\nb\\tc\\x01d\\x7F");
}
