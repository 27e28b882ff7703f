#include "progress/terminal_text.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace wte::progress;

TEST_CASE("display width: wide, zero-width and invalid") {
  CHECK(display_width("") == 0);
  CHECK(display_width("abc") == 3);
  CHECK(display_width("\u201croot\u201d") == 6);
  CHECK(display_width("\u65e5\u672c") == 4);  // CJK: two columns each
  CHECK(display_width("e\u0301") == 1);       // a combining accent takes none
  CHECK(display_width("\U0001F600") == 2);    // an emoji
  CHECK(display_width("\xff\xfe") == 2);      // invalid bytes: one column each
  CHECK(display_width("\xe6\x97") == 2);      // a cut sequence too
}

TEST_CASE("terminal_safe: no control reaches the terminal, C1 included") {
  CHECK(terminal_safe("plain text \u201cquoted\u201d") == "plain text \u201cquoted\u201d");
  CHECK(terminal_safe("\x1b[31mred") == "\\x1B[31mred");
  CHECK(terminal_safe("a\tb\rc\nd\x7f") == "a\\tb\\rc\\nd\\x7F");
  CHECK(terminal_safe("\xc2\x9b"
                      "2J") == "\\u009B2J");  // U+009B is CSI on some terminals
  CHECK(terminal_safe("\xc2\x85") == "\\u0085");
  CHECK(terminal_safe("\xc2\xa0") == "\xc2\xa0");  // U+00A0 is printable
  CHECK(terminal_safe("\x9b"
                      "31m") == "\\x9B31m");  // a lone byte, CSI on 8-bit terminals
}

TEST_CASE("indented_lines: one line per line of the text, never a literal \\n") {
  CHECK(indented_lines("one", "P: ", 4) == "P: one\n");
  CHECK(indented_lines("one\ntwo\r\nthree\n\n", "P: ", 4) == "P: one\n    two\n    three\n");
  CHECK(indented_lines("a\n\nb", "P: ", 2) == "P: a\n\n  b\n");  // a blank line inside stays
  CHECK(indented_lines("", "P: ", 2) == "P:\n");
  CHECK(indented_lines("x\n\x1b[2J", "P: ", 2) == "P: x\n  \\x1B[2J\n");
}

namespace {

std::size_t row_width(std::string_view line, const Row& r) {
  return r.indent + display_width(line.substr(r.begin, r.end - r.begin));
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

}  // namespace

TEST_CASE("wrap breaks at spaces, indents what follows, splits a word too long") {
  const std::string line = "TRANSFER  [#####-----]   3/6 items  50%  3.0 of 6.0 GiB  3 succeeded";
  const auto rows = wrap(line, 40, 10);
  REQUIRE(rows.size() == 2);
  CHECK(line.substr(rows[0].begin, rows[0].end - rows[0].begin) ==
        "TRANSFER  [#####-----]   3/6 items  50%");
  CHECK(rows[0].indent == 0);
  CHECK(rows[1].indent == 10);
  CHECK(line.substr(rows[1].begin, rows[1].end - rows[1].begin) == "3.0 of 6.0 GiB  3 succeeded");

  const std::string word = "source-server-with-a-long-name.example.net";
  const auto cut = wrap(word, 20, 4);
  REQUIRE(cut.size() == 3);
  CHECK(row_width(word, cut[0]) == 20);
  CHECK(row_width(word, cut[1]) == 20);

  CHECK(wrap("", 10, 2).size() == 1);  // an empty line is still a row
  CHECK(wrap("short", 80, 10).size() == 1);
  const std::string wide = "\u65e5\u65e5\u65e5";  // 6 columns in rows of 3: never half a character
  for (const Row& r : wrap(wide, 3, 0)) CHECK(row_width(wide, r) == 2);
}

TEST_CASE("wrap: every row fits, nothing but spaces is lost, for any width") {
  std::mt19937 rng(17);
  const std::string pieces[] = {
      "a", "bb", " ", "  ", "\u201c", "\u65e5", "word", "long-word-here", "e\u0301"};
  for (int n = 0; n < 2000; ++n) {
    std::string line;
    const auto parts = rng() % 30;
    for (std::uint32_t i = 0; i < parts; ++i) line += pieces[rng() % std::size(pieces)];
    const std::size_t width = 2 + rng() % 60;
    const std::size_t indent = rng() % 12;
    std::string joined;
    for (const Row& r : wrap(line, width, indent)) {
      CHECK(row_width(line, r) <= width);
      joined += line.substr(r.begin, r.end - r.begin);
    }
    CHECK(without_spaces(joined) == without_spaces(line));
  }
}

namespace {

std::string spanned(std::string_view line, const StyleSpan& s) {
  return std::string(line.substr(s.begin, s.end - s.begin));
}

}  // namespace

TEST_CASE("highlight: the state, and counts only when they are not zero") {
  const std::string session = "Session   RUNNING   initiator x";
  auto spans = highlight(session);
  REQUIRE(spans.size() == 1);
  CHECK(spanned(session, spans[0]) == "RUNNING");
  CHECK(spans[0].style == Style::cyan);

  const std::string completed = "Session   COMPLETED   initiator x";
  CHECK(highlight(completed)[0].style == Style::green);
  CHECK(highlight(completed, {true})[0].style == Style::yellow);  // with failed items
  CHECK(highlight("Session   FAILED   x")[0].style == Style::red);
  CHECK(highlight("Session   PAUSED   x")[0].style == Style::yellow);

  const std::string queue = "RESTORE   [##]  4/4 items  25 succeeded, 12 failed, 3 dangerous items";
  spans = highlight(queue);
  REQUIRE(spans.size() == 2);
  CHECK(spanned(queue, spans[0]) == "12 failed");
  CHECK(spans[0].style == Style::red);
  CHECK(spanned(queue, spans[1]) == "3 dangerous items");
  CHECK(spans[1].style == Style::magenta);
  CHECK(highlight("TRANSFER  0 succeeded, 0 failed, 0 dangerous items, 10 altered").empty());
  CHECK(highlight("1.0 failed").empty());  // not a count

  const std::string event = "FAILED    TRANSFER root: it failed";
  spans = highlight(event);
  REQUIRE_FALSE(spans.empty());
  CHECK(spanned(event, spans[0]) == "FAILED");
  const std::string header = "Failed items:";
  CHECK(spanned(header, highlight(header)[0]) == "Failed items");
}

TEST_CASE("styled rows: colour spans cut at the row's ends, plain without colour") {
  const std::string line = "aa 12 failed bb";
  const std::vector<StyleSpan> spans = {{3, 12, Style::red}};
  CHECK(styled_line(line, spans, false) == line);
  CHECK(styled_line(line, spans, true) == "aa \x1b[1;31m12 failed\x1b[0m bb");
  const Row second{6, 15, 2};  // "failed bb", continuing a row
  CHECK(styled_row(line, second, spans, true) == "  \x1b[1;31mfailed\x1b[0m bb");
  CHECK(styled_row(line, second, spans, false) == "  failed bb");
}
