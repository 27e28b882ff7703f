#pragma once
// Escaping for the places our text ends up. Input must already be valid UTF-8 (see utf8.hpp).
#include <string>
#include <string_view>

namespace wte::text {

// For HTML text and attribute values (status::HtmlOut): & < > " ' are replaced by entities.
void append_html_escaped(std::string& out, std::string_view s);

// A value that fits on one terminal line: control characters shown as \n, \t, \xNN.
std::string printable(std::string_view s);

}  // namespace wte::text
