#include "status/html_out.hpp"

#include <cstdio>

#include "text/escape.hpp"
#include "text/utf8.hpp"

namespace wte::status {
namespace {

bool is_shown_control(unsigned char u) {
  return (u < 0x20 && u != '\t' && u != '\n' && u != '\r') || u == 0x7F;
}

}  // namespace

HtmlOut& HtmlOut::raw(std::string_view markup) {
  out_ += markup;
  return *this;
}

HtmlOut& HtmlOut::text(std::string_view s) {
  // The model's strings are valid UTF-8 already; names from elsewhere are checked here, so
  // that the page always is.
  if (!text::is_valid_utf8(s)) {
    std::string repaired;
    text::append_valid_utf8(repaired, s);
    return text(std::string_view(repaired));
  }
  std::size_t run = 0;  // start of the current run of ordinary characters
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (!is_shown_control(u)) continue;
    text::append_html_escaped(out_, s.substr(run, i - run));
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02X", u);
    out_ += buf;
    run = i + 1;
  }
  text::append_html_escaped(out_, s.substr(run));
  return *this;
}

HtmlOut& HtmlOut::attr(std::string_view name, std::string_view value) {
  out_ += ' ';
  out_ += name;
  out_ += "=\"";
  text(value);
  out_ += '"';
  return *this;
}

HtmlOut& HtmlOut::number(std::int64_t n) {
  out_ += std::to_string(n);
  return *this;
}

}  // namespace wte::status
