// HtmlOut: what is written as markup stays, what is written as text is escaped.
#include "status/html_out.hpp"

#include <doctest/doctest.h>

using wte::status::HtmlOut;

TEST_CASE("text() escapes HTML and shows control characters") {
  HtmlOut h;
  h.raw("<p>").text("<script>alert('x')</script> & \"q\"").raw("</p>");
  CHECK(h.str() == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
  HtmlOut c;
  c.text(std::string("a\x01"
                     "b\tc\nd\re\x7f",
                     10))
      .text(std::string("nul\0end", 7));
  CHECK(c.str() == "a\\x01b\tc\nd\re\\x7Fnul\\x00end");
}

TEST_CASE("text() repairs invalid UTF-8") {
  HtmlOut h;
  h.text("ok\xFF<");
  CHECK(h.str() == "ok\xEF\xBF\xBD&lt;");
}

TEST_CASE("attr() escapes quotes so a value cannot leave its attribute") {
  HtmlOut h;
  h.raw("<td").attr("data-session", "x\" onmouseover=\"alert(1)").raw(">");
  CHECK(h.str() == "<td data-session=\"x&quot; onmouseover=&quot;alert(1)\">");
  HtmlOut n;
  n.number(-42).number(0);
  CHECK(n.str() == "-420");
}
