#include "json_text.hpp"

namespace wte::loggen {

std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

void append_u_escape(std::string& out, std::uint32_t unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 0xFu];
}

// Decodes one UTF-8 sequence at s[i] (input is our own valid text); advances i.
std::uint32_t decode_utf8(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[k]));
  };
  const std::uint32_t b0 = byte(i);
  std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  if (i + len > s.size()) len = 1;
  std::uint32_t cp = len == 1   ? b0
                     : len == 2 ? (b0 & 0x1Fu)
                     : len == 3 ? (b0 & 0x0Fu)
                                : (b0 & 0x07u);
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  i += len;
  return cp;
}

}  // namespace

std::string json_string(std::string_view s, bool ascii_only) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c < 0x20) {
      append_u_escape(out, c);
      ++i;
    } else if (c < 0x80 || !ascii_only) {
      out += static_cast<char>(c);
      ++i;
    } else {
      const std::uint32_t cp = decode_utf8(s, i);
      if (cp >= 0x10000) {  // a surrogate pair
        append_u_escape(out, 0xD800u + ((cp - 0x10000u) >> 10));
        append_u_escape(out, 0xDC00u + ((cp - 0x10000u) & 0x3FFu));
      } else {
        append_u_escape(out, cp);
      }
    }
  }
  out += '"';
  return out;
}

std::string json_count(std::int64_t n, bool as_string) {
  return as_string ? '"' + std::to_string(n) + '"' : std::to_string(n);
}

std::string json_object(Fields fields, Random& random) {
  for (std::size_t i = fields.size(); i > 1; --i) {  // Fisher-Yates
    std::swap(fields[i - 1], fields[random.below(i)]);
  }
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += key;
    out += "\":";
    out += value;
  }
  out += '}';
  return out;
}

std::string json_array(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    out += v;
  }
  out += ']';
  return out;
}

}  // namespace wte::loggen
