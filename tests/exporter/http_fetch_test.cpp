// The command-line client: its messages for a person, and basic auth's header.
#include "exporter/http_fetch.hpp"

#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>

#include "web/basic_auth.hpp"

using wte::exporter::FetchRequest;
using wte::exporter::http_fetch;

TEST_CASE("basic authorization: RFC 7617, any password bytes") {
  CHECK(wte::exporter::basic_authorization("Aladdin", "open sesame") ==
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(wte::exporter::basic_authorization("a", "") == "Basic YTo=");
  CHECK(wte::exporter::basic_authorization("ab", "c") == "Basic YWI6Yw==");
  const std::string header =
      wte::exporter::basic_authorization("prometheus", "correct horse: battery");
  CHECK(wte::web::base64_decode(header.substr(6)) == "prometheus:correct horse: battery");
}

TEST_CASE("a refused connection is said plainly, without source paths") {
  std::string port;
  {  // a port nobody listens on any more
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = std::to_string(a.local_endpoint().port());
  }
  FetchRequest r;
  r.url = "http://127.0.0.1:" + port + "/-/healthy";
  const auto response = http_fetch(r);
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().message == "cannot connect to 127.0.0.1:" + port + ": Connection refused");
}

TEST_CASE("bad URLs") {
  FetchRequest r;
  r.url = "not a url";
  CHECK(http_fetch(r).error().message == "invalid URL: not a url");
  r.url = "ftp://127.0.0.1/";
  CHECK(http_fetch(r).error().message == "the URL must start with http:// or https://");
}
