#include "progress/terminal_text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <regex>

namespace wte::progress {

namespace {

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;
  bool valid = false;
};

// One UTF-8 sequence at `s[i]` (strict: no overlongs, surrogates or values past U+10FFFF).
CodePoint decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true};
  std::size_t n = 0;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07u;
  } else {
    return {b0, 1, false};
  }
  if (i + n > s.size()) return {b0, 1, false};
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0u) != 0x80u) return {b0, 1, false};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return {b0, 1, false};
  return {cp, n, true};
}

bool in(char32_t c, char32_t lo, char32_t hi) {
  return c >= lo && c <= hi;
}

bool zero_width(char32_t c) {
  return in(c, 0x0300, 0x036F) || in(c, 0x0483, 0x0489) || in(c, 0x0591, 0x05BD) ||
         in(c, 0x0610, 0x061A) || in(c, 0x064B, 0x065F) || in(c, 0x1AB0, 0x1AFF) ||
         in(c, 0x1DC0, 0x1DFF) || in(c, 0x200B, 0x200F) || in(c, 0x202A, 0x202E) ||
         in(c, 0x2060, 0x2064) || in(c, 0x20D0, 0x20FF) || in(c, 0xFE00, 0xFE0F) ||
         in(c, 0xFE20, 0xFE2F) || c == 0xFEFF;
}

// East Asian Wide and Fullwidth, and the emoji blocks terminals draw two columns wide.
bool wide(char32_t c) {
  return in(c, 0x1100, 0x115F) || c == 0x2329 || c == 0x232A ||
         (in(c, 0x2E80, 0xA4CF) && c != 0x303F) || in(c, 0xAC00, 0xD7A3) || in(c, 0xF900, 0xFAFF) ||
         in(c, 0xFE10, 0xFE19) || in(c, 0xFE30, 0xFE6F) || in(c, 0xFF00, 0xFF60) ||
         in(c, 0xFFE0, 0xFFE6) || in(c, 0x1F300, 0x1F64F) || in(c, 0x1F900, 0x1F9FF) ||
         in(c, 0x20000, 0x2FFFD) || in(c, 0x30000, 0x3FFFD);
}

std::size_t width_of(const CodePoint& cp) {
  if (!cp.valid) return 1;
  if (zero_width(cp.value)) return 0;
  return wide(cp.value) ? 2 : 1;
}

const char* sgr(Style s) {
  switch (s) {
    case Style::bold:
      return "\033[1m";
    case Style::red:
      return "\033[1;31m";
    case Style::green:
      return "\033[1;32m";
    case Style::yellow:
      return "\033[1;33m";
    case Style::magenta:
      return "\033[1;35m";
    case Style::cyan:
      return "\033[1;36m";
    case Style::dim:
      return "\033[2m";
  }
  return "";
}

constexpr std::string_view kReset = "\033[0m";

std::optional<Style> state_style(std::string_view state, HighlightContext context) {
  if (state == "COMPLETED") return context.has_failures ? Style::yellow : Style::green;
  if (state == "RUNNING" || state == "RESUMING") return Style::cyan;
  if (state == "FAILED" || state == "ABORTED") return Style::red;
  if (state == "PAUSED" || state == "PAUSING" || state == "ABORTING" || state == "REACHEDMAXMEM")
    return Style::yellow;
  if (state == "PENDING") return Style::dim;
  return std::nullopt;
}

// A label at the start of a line and its style.
struct Label {
  std::string_view text;
  Style style;
};
constexpr std::array<Label, 5> kLabels = {{
    {"FAILED ", Style::red},
    {"DANGEROUS ", Style::magenta},
    {"Failed items:", Style::red},
    {"Items with dangerous or altered items:", Style::magenta},
    {"    dangerous:", Style::magenta},
}};

void append_spans_of(std::vector<StyleSpan>& spans, std::string_view line, const std::regex& re,
                     Style style) {
  const std::string text(line);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    const auto& m = *it;
    const auto begin = static_cast<std::size_t>(m.position(1));
    spans.push_back({begin, begin + static_cast<std::size_t>(m.length(1)), style});
  }
}

}  // namespace

std::size_t display_width(std::string_view utf8) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const CodePoint cp = decode(utf8, i);
    w += width_of(cp);
    i += cp.length;
  }
  return w;
}

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const CodePoint cp = decode(text, i);
    char buf[12];
    if (!cp.valid ||
        (cp.value < 0x20 && cp.value != '\t' && cp.value != '\r' && cp.value != '\n') ||
        cp.value == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(cp.value & 0xFFu));
      out += buf;
    } else if (cp.value == '\t') {
      out += "\\t";
    } else if (cp.value == '\r') {
      out += "\\r";
    } else if (cp.value == '\n') {
      out += "\\n";
    } else if (in(cp.value, 0x80, 0x9F)) {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp.value));
      out += buf;
    } else {
      out.append(text.substr(i, cp.length));
    }
    i += cp.length;
  }
  return out;
}

std::string indented_lines(std::string_view text, std::string_view first_prefix,
                           std::size_t indent) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0;;) {
    const auto nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  while (lines.size() > 1 && lines.back().find_first_not_of(" \t") == std::string_view::npos)
    lines.pop_back();
  std::string out;
  const std::string more(indent, ' ');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = (i == 0 ? std::string(first_prefix) : more) + terminal_safe(lines[i]);
    while (line.ends_with(' ')) line.pop_back();  // an empty text leaves no trailing blank
    out += line + "\n";
  }
  return out;
}

std::vector<StyleSpan> highlight(std::string_view line, HighlightContext context) {
  std::vector<StyleSpan> spans;
  constexpr std::string_view kSession = "Session   ";
  if (line.starts_with(kSession)) {
    const std::size_t begin = kSession.size();
    const std::size_t end = std::min(line.find(' ', begin), line.size());
    if (const auto style = state_style(line.substr(begin, end - begin), context))
      spans.push_back({begin, end, *style});
  }
  for (const Label& label : kLabels) {
    if (line.starts_with(label.text)) {
      const auto begin = label.text.find_first_not_of(' ');
      spans.push_back({begin, label.text.find_last_not_of(" :") + 1, label.style});
    }
  }
  // Counts worth a look only when they are not zero: "2 failed", "3 dangerous items", "1
  // with dangerous items", "2 worker failures", and an item listed as failed.
  static const std::regex failed(R"((?:^|[^0-9.])([1-9][0-9]* failed))");
  static const std::regex dangerous(R"((?:^|[^0-9.])([1-9][0-9]* (?:with )?dangerous items?))");
  static const std::regex worker(R"((?:^|[^0-9.])([1-9][0-9]* worker failures?))");
  static const std::regex listed_failed(R"(^  [A-Z_]+ +(failed) )");
  append_spans_of(spans, line, failed, Style::red);
  append_spans_of(spans, line, dangerous, Style::magenta);
  append_spans_of(spans, line, worker, Style::yellow);
  append_spans_of(spans, line, listed_failed, Style::red);
  std::sort(spans.begin(), spans.end(),
            [](const StyleSpan& a, const StyleSpan& b) { return a.begin < b.begin; });
  std::vector<StyleSpan> disjoint;
  for (const StyleSpan& s : spans) {
    if (s.end <= s.begin) continue;
    if (!disjoint.empty() && s.begin < disjoint.back().end) continue;
    disjoint.push_back(s);
  }
  return disjoint;
}

std::vector<Row> wrap(std::string_view line, std::size_t width, std::size_t indent) {
  width = std::max<std::size_t>(width, 1);
  if (indent + 2 > width) indent = 0;  // a wide character fits after it
  std::vector<Row> rows;
  std::size_t pos = 0;
  bool first = true;
  while (first || pos < line.size()) {
    if (!first) {
      while (pos < line.size() && line[pos] == ' ') ++pos;
      if (pos == line.size()) break;
    }
    const std::size_t room = first ? width : width - indent;
    std::size_t i = pos;
    std::size_t used = 0;
    std::size_t last_space = std::string_view::npos;
    std::size_t first_length = 0;
    while (i < line.size()) {
      const CodePoint cp = decode(line, i);
      const std::size_t w = width_of(cp);
      if (used + w > room) break;
      if (line[i] == ' ') last_space = i;
      if (i == pos) first_length = cp.length;
      used += w;
      i += cp.length;
    }
    std::size_t end = i;
    if (i < line.size() && line[i] != ' ') {
      if (last_space != std::string_view::npos && last_space > pos)
        end = last_space;
      else if (i == pos)
        end = pos + (first_length ? first_length : decode(line, pos).length);  // wider than room
    }
    std::size_t shown_end = end;
    while (i < line.size() && shown_end > pos && line[shown_end - 1] == ' ') --shown_end;
    rows.push_back({pos, shown_end, first ? 0 : indent});
    pos = end;
    first = false;
  }
  return rows;
}

std::string styled_row(std::string_view line, const Row& row, const std::vector<StyleSpan>& spans,
                       bool colour) {
  std::string out(row.indent, ' ');
  std::size_t at = row.begin;
  if (colour) {
    for (const StyleSpan& s : spans) {
      const std::size_t b = std::max(s.begin, row.begin);
      const std::size_t e = std::min(s.end, row.end);
      if (b >= e) continue;
      out.append(line.substr(at, b - at));
      out += sgr(s.style);
      out.append(line.substr(b, e - b));
      out += kReset;
      at = e;
    }
  }
  out.append(line.substr(at, row.end - at));
  return out;
}

std::string styled_line(std::string_view line, const std::vector<StyleSpan>& spans, bool colour) {
  return styled_row(line, Row{0, line.size(), 0}, spans, colour);
}

}  // namespace wte::progress
