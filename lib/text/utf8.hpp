#pragma once
// Text from logs and servers is untrusted bytes; everything we store or print is valid UTF-8.
#include <cstddef>
#include <string>
#include <string_view>

namespace wte::text {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;

// Appends `s` to `out`, each ill-formed sequence replaced by U+FFFD, keeping at most
// `max_bytes` bytes of output and never cutting a character in two. Returns true if it cut.
bool append_valid_utf8(std::string& out, std::string_view s,
                       std::size_t max_bytes = std::string::npos);

// `s` as valid UTF-8, at most `max_bytes` long; a cut text ends in "…".
std::string bounded_utf8(std::string_view s, std::size_t max_bytes = std::string::npos);

}  // namespace wte::text
