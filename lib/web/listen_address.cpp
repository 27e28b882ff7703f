#include "web/listen_address.hpp"

#include <charconv>

namespace wte::web {

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Error{"listen address '" + std::string(text) +
                 "' must be host:port, [ipv6]:port or :port"};
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) {
      return Error{"listen address '" + std::string(text) + "' has an unclosed '['"};
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Error{"listen address '" + std::string(text) + "': put an IPv6 address in brackets"};
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return Error{"listen address '" + std::string(text) + "' has no valid port (0-65535)"};
  }
  return ListenAddress{std::string(host), static_cast<unsigned short>(value)};
}

}  // namespace wte::web
