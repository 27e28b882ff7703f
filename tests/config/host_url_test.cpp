#include "config/host_url.hpp"

#include <doctest/doctest.h>

#include <string_view>

using wte::config::parse_host_url;

TEST_CASE("parse_host_url accepts https://HOST[:PORT][/]") {
  struct Row {
    std::string_view url, host, port;
  };
  const Row rows[] = {
      {"https://whm.example.net", "whm.example.net", "2087"},
      {"https://whm.example.net/", "whm.example.net", "2087"},
      {"https://whm.example.net:2087", "whm.example.net", "2087"},
      {"https://whm.example.net:443/", "whm.example.net", "443"},
      {"https://198.51.100.7:2087", "198.51.100.7", "2087"},
      {"https://[2001:db8::1]:2087/", "2001:db8::1", "2087"},
      {"https://[::1]", "::1", "2087"},
      {"https://localhost:02087", "localhost", "2087"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.url);
    const auto parsed = parse_host_url(row.url, "2087");
    REQUIRE(parsed.ok());
    CHECK(parsed.value().host == row.host);
    CHECK(parsed.value().port == row.port);
  }
}

TEST_CASE("parse_host_url refuses anything else, saying why") {
  struct Row {
    std::string_view url, why;
  };
  const Row rows[] = {
      {"http://whm.example.net", "scheme must be https"},
      {"whm.example.net", "not a valid URL"},
      {"whm.example.net:2087", "scheme must be https"},
      {"", "not a valid URL"},
      {"https://", "no host"},
      {"https:///path", "no host"},
      {"https://root:pw@whm.example.net", "user or password"},
      {"https://whm.example.net/json-api", "path is not allowed"},
      {"https://whm.example.net?x=1", "query or fragment"},
      {"https://whm.example.net#x", "query or fragment"},
      {"https://whm.example.net:0", "port must be"},
      {"https://whm.example.net:65536", "port must be"},
      {"https://whm.example.net:", "port must be"},
      {"https://whm%20example.net", "not a valid DNS name"},
      {"https://whm_example.net", "not a valid DNS name"},
      {"https://[v1.x]", "not a DNS name"},
      {"https://who m", "not a valid URL"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.url);
    const auto parsed = parse_host_url(row.url, "2087");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find(row.why) != std::string::npos);
  }
}
