#pragma once
// Text for a terminal: how wide it is, where it wraps, how untrusted text is made safe to
// show, and colour. Pure: the caller knows the terminal's size and whether colour is wanted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wte::progress {

// Columns a UTF-8 text takes: 2 for East Asian wide characters and most emoji, 0 for
// combining marks and zero-width characters, 1 otherwise (an invalid byte counts 1). An
// approximation of wcwidth() that needs no locale.
std::size_t display_width(std::string_view utf8);

// One line of untrusted text, safe to print: control characters as \t, \r, \xNN, and the C1
// controls (U+0080..U+009F, which some terminals obey like ESC [) as \u0080..\u009F. A
// newline is escaped too: split multi-line text with indented_lines() first.
std::string terminal_safe(std::string_view text);

// A multi-line text (\n, \r\n) as lines: the first after `first_prefix`, the next ones after
// `indent` spaces, each made terminal_safe(), each ending in '\n'. Blank lines at the end
// are dropped.
std::string indented_lines(std::string_view text, std::string_view first_prefix,
                           std::size_t indent);

enum class Style : std::uint8_t { bold, red, green, yellow, magenta, cyan, dim };

// [begin, end) of a line's bytes shown in a style; spans do not overlap.
struct StyleSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  Style style = Style::bold;
};

// What highlight() may colour besides the text itself.
struct HighlightContext {
  bool has_failures = false;  // a COMPLETED session with failed items is not shown green
};

// The spans a person's eye should go to in one line of `progress` output: the session's
// state, non-zero failed and dangerous counts, worker failures, and the labels of failed and
// dangerous items. Sorted by begin.
std::vector<StyleSpan> highlight(std::string_view line, HighlightContext context = {});

// Where a line breaks to fit `width` columns: rows as byte ranges of the line, each shown
// after `indent` spaces. A row after the first is indented by the `indent` asked for (none
// when that would leave less than 2 columns); it breaks at a space when it can (spaces at
// the break are dropped), inside a word when the word does not fit.
struct Row {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t indent = 0;
};
std::vector<Row> wrap(std::string_view line, std::size_t width, std::size_t indent);

// One row of `line` after its indent, with the parts of `spans` inside it in SGR colour
// (reset at the end of each span), or plain when `colour` is false.
std::string styled_row(std::string_view line, const Row& row, const std::vector<StyleSpan>& spans,
                       bool colour);

// The whole line in colour (no wrapping), as styled_row() does for one row.
std::string styled_line(std::string_view line, const std::vector<StyleSpan>& spans, bool colour);

}  // namespace wte::progress
