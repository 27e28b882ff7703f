#include "web/listen_address.hpp"

#include <charconv>

namespace wte::web {

ParsedListenAddress parse_listen_address(std::string_view text) {
  ParsedListenAddress out;
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    out.error =
        "listen address '" + std::string(text) + "' must be host:port, [ipv6]:port or :port";
    return out;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) {
      out.error = "listen address '" + std::string(text) + "' has an unclosed '['";
      return out;
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    out.error = "listen address '" + std::string(text) + "': put an IPv6 address in brackets";
    return out;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    out.error = "listen address '" + std::string(text) + "' has no valid port (0-65535)";
    return out;
  }
  out.address = ListenAddress{std::string(host), static_cast<unsigned short>(value)};
  return out;
}

}  // namespace wte::web
