#pragma once
// "host:port", "[v6]:port" or ":port" (all interfaces), as Prometheus exporters spell it.
#include <optional>
#include <string>
#include <string_view>

namespace wte::web {

struct ListenAddress {
  std::string host;  // empty: all interfaces; brackets of an IPv6 literal removed
  unsigned short port = 0;
};

struct ParsedListenAddress {
  std::optional<ListenAddress> address;
  std::string error;  // why not, when address is empty
};

ParsedListenAddress parse_listen_address(std::string_view text);

}  // namespace wte::web
