#include "text/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace wte::text {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

// Length of the well-formed sequence starting at s[i], or 0 if it is ill-formed.
std::size_t sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<std::uint8_t>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  const auto b1 = static_cast<std::uint8_t>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    const auto b = static_cast<std::uint8_t>(s[i + k]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return len;
}

// Index of the first byte >= 0x80 at or after `i` (s.size() if none), eight bytes at a
// time: names and texts in logs are nearly always ASCII.
std::size_t skip_ascii(std::string_view s, std::size_t i) noexcept {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, s.data() + i, sizeof word);
    if (word & kHighBits) break;
  }
  while (i < s.size() && static_cast<std::uint8_t>(s[i]) < 0x80) ++i;
  return i;
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while ((i = skip_ascii(s, i)) < s.size()) {
    const std::size_t len = sequence_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool append_valid_utf8(std::string& out, std::string_view s, std::size_t max_bytes) {
  std::size_t written = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    // An ASCII run is copied in one piece (cut at the limit: an ASCII byte is a character).
    const std::size_t run = skip_ascii(s, i) - i;
    if (run > 0) {
      const std::size_t fits = run < max_bytes - written ? run : max_bytes - written;
      out.append(s.substr(i, fits));
      written += fits;
      i += fits;
      if (fits < run) return true;
      continue;
    }
    const std::size_t len = sequence_length(s, i);
    const std::string_view piece = len ? s.substr(i, len) : kReplacement;
    if (written + piece.size() > max_bytes) return true;
    out.append(piece);
    written += piece.size();
    i += len ? len : 1;
  }
  return false;
}

std::string bounded_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes && is_valid_utf8(s)) return std::string(s);  // the common case
  std::string out;
  if (max_bytes == std::string::npos) {
    append_valid_utf8(out, s);
    return out;
  }
  const std::size_t room = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  out.reserve(s.size() < max_bytes ? s.size() : max_bytes);
  if (append_valid_utf8(out, s, max_bytes)) {
    // Too long: keep `room` bytes and mark the cut.
    out.clear();
    append_valid_utf8(out, s, room);
    out.append(kEllipsis);
  }
  return out;
}

}  // namespace wte::text
