#include "whm/response_reader.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace wte::whm;

namespace {
constexpr std::size_t kLimit = 1024;
const std::string kOk =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
}  // namespace

TEST_CASE("an answer with a length, and a chunked one, are read whole") {
  const auto plain = read_response(kOk, kLimit);
  REQUIRE(plain.response.ok());
  CHECK(plain.response.value().status == 200);
  CHECK(plain.response.value().content_type == "application/json");
  CHECK(plain.response.value().body == "{}");
  CHECK(plain.consumed == kOk.size());
  CHECK(plain.keep_alive);
  CHECK(plain.reusable);
  CHECK(plain.response.value().body.capacity() - plain.response.value().body.size() >= kScanSlack);

  const std::string chunked =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n";
  const auto c = read_response(chunked, kLimit);
  REQUIRE(c.response.ok());
  CHECK(c.response.value().body == "abcde");
  CHECK(c.reusable);
}

TEST_CASE("bytes after the answer make the connection unfit for another request") {
  const auto two = read_response(kOk + kOk, kLimit);
  REQUIRE(two.response.ok());
  CHECK(two.consumed == kOk.size());
  CHECK(two.keep_alive);
  CHECK_FALSE(two.reusable);
  const auto closing =
      read_response("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", kLimit);
  REQUIRE(closing.response.ok());
  CHECK_FALSE(closing.reusable);
}

TEST_CASE("broken answers become the client's usual errors") {
  struct Case {
    std::string name;
    std::string bytes;
    ErrorReason reason;
    const char* text;
  };
  const Case cases[] = {
      {"nothing", "", ErrorReason::connect, "closed the connection without answering"},
      {"cut in the header", "HTTP/1.1 200 OK\r\nContent-Le", ErrorReason::bad_response,
       "cut short"},
      {"cut in the body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}",
       ErrorReason::bad_response, "cut short"},
      {"cut in a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
       ErrorReason::bad_response, "cut short"},
      {"bad status line", "HTTP/1.1 2x0 OK\r\n\r\n", ErrorReason::bad_response, "malformed"},
      {"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       ErrorReason::bad_response, "malformed"},
      {"chunk size overflow",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
       ErrorReason::bad_response, "malformed"},
      {"body over the limit", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n",
       ErrorReason::too_large, "max_response_bytes"},
      {"chunks over the limit",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + std::string(1024, 'a') +
           "\r\n1\r\nb\r\n0\r\n\r\n",
       ErrorReason::too_large, "max_response_bytes"},
      {"header over the limit",
       "HTTP/1.1 200 OK\r\nX: " + std::string(kResponseHeaderLimit, 'h') + "\r\n\r\n",
       ErrorReason::too_large, "header"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto r = read_response(c.bytes, kLimit, "whm1:2087");
    REQUIRE_FALSE(r.response.ok());
    CHECK(r.response.error().reason == c.reason);
    CHECK(r.response.error().message.find(c.text) != std::string::npos);
    CHECK_FALSE(r.reusable);
  }
}

TEST_CASE("an answer without a length ends with the connection") {
  const auto r =
      read_response("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\":1}", kLimit);
  REQUIRE(r.response.ok());
  CHECK(r.response.value().body == "{\"a\":1}");
  CHECK_FALSE(r.reusable);
}
