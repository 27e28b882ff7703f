#pragma once
// Reading the text exposition back in tests: series (name and labels, as printed) to value.
#include <map>
#include <sstream>
#include <string>

namespace wte::test {

using Exposition = std::map<std::string, std::string>;

inline Exposition parse_exposition(const std::string& text) {
  Exposition out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

// How many series' text contains `needle`.
inline std::size_t count_series(const Exposition& e, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& [series, value] : e) n += series.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

// A label value as the text format writes it: \\, \" and \n escaped.
inline std::string escape_label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

}  // namespace wte::test
