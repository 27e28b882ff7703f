#pragma once
// "host:port", "[v6]:port" or ":port" (all interfaces), as Prometheus exporters spell it.
#include <string>
#include <string_view>

#include "error/result.hpp"

namespace wte::web {

struct ListenAddress {
  std::string host;  // empty: all interfaces; brackets of an IPv6 literal removed
  unsigned short port = 0;
};

// The error says what is wrong with `text`, quoting it.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace wte::web
