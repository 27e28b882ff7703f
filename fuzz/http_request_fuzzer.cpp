// libFuzzer harness for the server's request path without sockets: arbitrary bytes go
// through Beast's request parser (with the server's limits), the conversion to a Request,
// the query and percent decoding, the router, the basic-auth decision and the response
// conversion and serialization.
#include <crypt.h>

#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "web/basic_auth.hpp"
#include "web/beast_convert.hpp"
#include "web/http_types.hpp"
#include "web/router.hpp"

namespace {

namespace http = boost::beast::http;
using namespace wte::web;

std::string make_hash(const char* password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  crypt_data data{};
  if (!crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt)) __builtin_trap();
  const char* hash = crypt_rn(password, salt, &data, sizeof data);
  if (!hash || hash[0] == '*') __builtin_trap();
  return hash;
}

// Built once: a fuzzer's iterations share it, as a server's requests would.
struct Fixture {
  Router router;
  // A real cost-4 bcrypt hash of "secret", so a well-formed Authorization header reaches
  // crypt_rn; and a broken hash, which must simply never match.
  std::vector<BasicAuthUser> users{{"prom", make_hash("secret")}, {"broken", "$2b$04$short"}};
  std::vector<std::string> exempt{"/-/healthy"};
  AuthCache cache{4};

  Fixture() {
    auto echo = [](const Request& r) {
      Response out = Response::text(200, r.path + "?" + r.query_param("x").value_or(""));
      out.headers.emplace_back("X-Echo", std::string(r.header("x-echo").value_or("")));
      return out;
    };
    router.add("GET", "/metrics", make_async(echo));
    router.add("GET", "/", make_async(echo));
    router.add_prefix("GET", "/api/", make_async(echo));
    router.add_prefix("POST", "/json-api/", make_async(echo));
  }
};

void exercise(Fixture& f, Request request, bool head, unsigned version, bool keep_alive) {
  (void)percent_decode(request.path);
  (void)percent_decode(request.query, true);
  if (!is_unauthenticated_path(request.path, f.exempt)) {
    (void)check_basic_auth(request, f.users, f.cache, AuthCache::Clock::time_point{});
  }
  Response response;
  bool answered = false;
  f.router.dispatch(std::move(request), [&](Response r) {
    response = std::move(r);
    answered = true;
  });
  if (!answered) __builtin_trap();  // every route answers synchronously here
  BeastResponse out = to_beast_response(std::move(response), version, keep_alive, head);
  std::ostringstream wire;
  wire << out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  http::request_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  parser.header_limit(16 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Like the server's read loop: put what is buffered until done, an error or need_more.
  while (!input.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec) return 0;  // need_more: the request is incomplete; anything else: a 400
    input.remove_prefix(used);
  }
  if (!parser.is_done()) return 0;
  BeastRequest message = parser.release();
  const bool head = message.method() == http::verb::head;
  const unsigned version = message.version();
  const bool keep_alive = message.keep_alive();
  exercise(fixture, to_request(std::move(message), "127.0.0.1:1"), head, version, keep_alive);
  return 0;
}
