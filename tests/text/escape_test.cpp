#include "text/escape.hpp"

#include <doctest/doctest.h>

TEST_CASE("HTML escaping covers text and attributes") {
  CHECK(wte::text::html_escape("<script>alert(\"x\" & 'y')</script>") ==
        "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
  CHECK(wte::text::html_escape("plain") == "plain");
}

TEST_CASE("printable shows control characters") {
  CHECK(wte::text::printable("a\nb\tc\x01"
                             "d\x7F") == "a\\nb\\tc\\x01d\\x7F");
}
