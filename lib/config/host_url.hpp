#pragma once
// Checks a host's `url:` (https://HOST[:PORT][/]) and splits it, with Boost.URL.
#include <string>
#include <string_view>

namespace wte::config {

struct HostUrl {
  std::string host;   // DNS name, IPv4, or IPv6 without brackets
  std::string port;   // decimal, the default port when the URL has none
  std::string error;  // empty on success; otherwise why the URL was refused
};

HostUrl parse_host_url(std::string_view url, std::string_view default_port);

}  // namespace wte::config
