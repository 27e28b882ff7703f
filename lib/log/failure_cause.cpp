#include "log/failure_cause.hpp"

#include <array>
#include <cstddef>

namespace wte::log {
namespace {

struct QuotePair {
  std::string_view open;
  std::string_view close;
};

// '"' and '\'' are handled on their own (the same character closes them).
constexpr std::array<QuotePair, 3> kQuotes = {{
    {"\u201c", "\u201d"},  // “ ”
    {"\u2018", "\u2019"},  // ‘ ’
    {"\u00ab", "\u00bb"},  // « »
}};

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_word_char(char c) noexcept {
  return is_alnum(c) || c == '_' || c == '.' || c == '-';
}
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_host(std::string_view w) noexcept {
  std::size_t labels = 0;
  bool all_numeric = true;
  std::string_view last;
  while (true) {
    const std::size_t dot = w.find('.');
    const std::string_view label = w.substr(0, dot);
    if (label.empty()) return false;
    for (const char c : label) {
      if (!is_alnum(c) && c != '-' && c != '_') return false;
      if (c < '0' || c > '9') all_numeric = false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    w.remove_prefix(dot + 1);
  }
  if (labels < 2) return false;
  if (all_numeric) return labels == 4;  // an IPv4 address; "5.7.3" is a number
  if (last.size() < 2) return false;    // "e.g"
  for (const char c : last) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

bool has_digit(std::string_view w) noexcept {
  for (const char c : w) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

// The end of the quoted span starting at `pos` (past its closing quote), or 0 if there is
// none there.
std::size_t quoted_span_end(std::string_view s, std::size_t pos, std::string_view& open,
                            std::string_view& close) {
  for (const QuotePair& q : kQuotes) {
    if (s.substr(pos).starts_with(q.open)) {
      const std::size_t end = s.find(q.close, pos + q.open.size());
      if (end == std::string_view::npos) return 0;
      open = q.open;
      close = q.close;
      return end + q.close.size();
    }
  }
  if (s[pos] == '"') {
    const std::size_t end = s.find('"', pos + 1);
    if (end == std::string_view::npos) return 0;
    open = close = s.substr(pos, 1);
    return end + 1;
  }
  // An apostrophe inside a word ("can't") opens nothing; a quote closes before a non-word.
  if (s[pos] == '\'' && (pos == 0 || !is_alnum(s[pos - 1]))) {
    for (std::size_t end = s.find('\'', pos + 1); end != std::string_view::npos;
         end = s.find('\'', end + 1)) {
      if (end + 1 == s.size() || !is_alnum(s[end + 1])) {
        open = close = s.substr(pos, 1);
        return end + 1;
      }
    }
  }
  return 0;
}

void append_word(std::string& out, std::string_view word, std::string_view account) {
  // Sentence punctuation after a word is not part of it ("exists on host.example.com.").
  std::size_t len = word.size();
  while (len > 0 && (word[len - 1] == '.' || word[len - 1] == '-')) --len;
  const std::string_view core = word.substr(0, len);
  const std::string_view tail = word.substr(len);
  if (core.empty()) {
    out += word;
    return;
  }
  if (!account.empty() && equal_ignoring_ascii_case(core, account)) {
    out += "<account>";
  } else if (is_host(core)) {
    out += "<host>";
  } else if (has_digit(core)) {
    out += "<n>";
  } else {
    out += core;
  }
  out += tail;
}

}  // namespace

std::string failure_cause(std::string_view s, std::string_view account) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c)) {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    std::string_view open, close;
    if (const std::size_t end = quoted_span_end(s, i, open, close)) {
      out += open;
      out += "\u2026";
      out += close;
      i = end;
    } else if (is_word_char(c)) {
      std::size_t word_end = i;
      while (word_end < s.size() && is_word_char(s[word_end])) ++word_end;
      append_word(out, s.substr(i, word_end - i), account);
      i = word_end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace wte::log
