#include "tcp_probe.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace wte::whmsim {

namespace {

constexpr std::string_view kEstablished = "01";

template <class T>
std::optional<T> number(std::string_view text) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// "a.b.c.d", port -> "DDCCBBAA:PPPP", as the kernel prints an address (the address's bytes
// in memory order read as a little-endian number; the port in host order).
std::optional<std::string> kernel_address(std::string_view ip, unsigned short port) {
  std::array<unsigned, 4> bytes{};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t dot = i < 3 ? ip.find('.') : ip.size();
    if (dot == std::string_view::npos) return std::nullopt;
    const auto b = number<unsigned>(ip.substr(0, dot));
    if (!b || *b > 255) return std::nullopt;
    bytes[i] = *b;
    ip.remove_prefix(std::min(dot + 1, ip.size()));
  }
  std::array<char, 16> out{};
  std::snprintf(out.data(), out.size(), "%02X%02X%02X%02X:%04X", bytes[3], bytes[2], bytes[1],
                bytes[0], static_cast<unsigned>(port));
  return std::string(out.data());
}

// The next whitespace-separated field of `line`.
std::string_view field(std::string_view& line) {
  const std::size_t begin = line.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return line = {};
  line.remove_prefix(begin);
  const std::size_t end = std::min(line.find_first_of(" \t"), line.size());
  const std::string_view f = line.substr(0, end);
  line.remove_prefix(end);
  return f;
}

}  // namespace

std::optional<std::string> read_tcp_table() {
  std::ifstream in("/proc/net/tcp");
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool tcp_established(std::string_view table, unsigned short local_port, std::string_view remote) {
  const std::size_t colon = remote.rfind(':');
  const auto remote_port = colon == std::string_view::npos
                               ? std::nullopt
                               : number<unsigned short>(remote.substr(colon + 1));
  const auto remote_key =
      remote_port ? kernel_address(remote.substr(0, colon), *remote_port) : std::nullopt;
  if (!remote_key) return true;
  const std::string local_key = *kernel_address("127.0.0.1", local_port);
  while (!table.empty()) {
    const std::size_t nl = std::min(table.find('\n'), table.size());
    std::string_view line = table.substr(0, nl);
    table.remove_prefix(std::min(nl + 1, table.size()));
    field(line);  // "sl"
    if (field(line) != local_key || field(line) != *remote_key) continue;
    if (field(line) == kEstablished) return true;
  }
  return false;
}

}  // namespace wte::whmsim
