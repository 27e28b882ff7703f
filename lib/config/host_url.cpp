#include "config/host_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace wte::config {
namespace {

constexpr std::string_view kForm = "expected https://HOST[:PORT][/]";

Error refuse(std::string why) {
  return Error{std::move(why)};
}

bool is_dns_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A decimal port 1..65535; empty when `text` is not one.
std::string checked_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return {};
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return {};
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return {};
  return std::to_string(value);
}

}  // namespace

Result<HostUrl> parse_host_url(std::string_view url, std::string_view default_port) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return refuse("not a valid URL; " + std::string(kForm));
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "https") {
    return refuse("scheme must be https (WHM listens with TLS on port 2087); " +
                  std::string(kForm));
  }
  if (!u.has_authority() || u.encoded_host().empty())
    return refuse("no host; " + std::string(kForm));
  if (u.has_userinfo()) {
    return refuse("user or password in the URL is not allowed; use `user:` and a token_* key");
  }
  if (u.has_query() || u.has_fragment()) {
    return refuse("query or fragment is not allowed; " + std::string(kForm));
  }
  if (!u.encoded_path().empty() && u.encoded_path() != "/") {
    return refuse("path is not allowed (the exporter adds /json-api/...); " + std::string(kForm));
  }
  HostUrl out;
  switch (u.host_type()) {
    case boost::urls::host_type::name:
      if (!is_dns_name(u.encoded_host())) return refuse("host is not a valid DNS name");
      out.host = std::string(u.encoded_host());
      break;
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      out.host = std::string(u.encoded_host_address());
      break;
    default:
      return refuse("host is not a DNS name, IPv4 or IPv6 address");
  }
  if (u.has_port()) {
    out.port = checked_port(u.port());
    if (out.port.empty()) return refuse("port must be a number from 1 to 65535");
  } else {
    out.port = std::string(default_port);
  }
  return out;
}

}  // namespace wte::config
