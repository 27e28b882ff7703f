#pragma once
// Checks a host's `url:` (https://HOST[:PORT][/]) and splits it, with Boost.URL.
#include <string>
#include <string_view>

#include "error/result.hpp"

namespace wte::config {

struct HostUrl {
  std::string host;  // DNS name, IPv4, or IPv6 without brackets
  std::string port;  // decimal, the default port when the URL has none
};

// The error says why the URL was refused.
Result<HostUrl> parse_host_url(std::string_view url, std::string_view default_port);

}  // namespace wte::config
