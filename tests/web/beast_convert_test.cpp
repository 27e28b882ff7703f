#include "web/beast_convert.hpp"

#include <doctest/doctest.h>

namespace wte::web {
namespace http = boost::beast::http;

TEST_CASE("split_target") {
  std::string path, query;
  split_target("/a/b?x=1&y", path, query);
  CHECK(path == "/a/b");
  CHECK(query == "x=1&y");
  split_target("/plain", path, query);
  CHECK(path == "/plain");
  CHECK(query.empty());
  split_target("http://host:1/p?q", path, query);
  CHECK(path == "/p");
  CHECK(query == "q");
  split_target("https://host", path, query);
  CHECK(path == "/");
  split_target("*", path, query);
  CHECK(path == "*");
  split_target("?only", path, query);
  CHECK(path == "/");
  CHECK(query == "only");
}

TEST_CASE("to_request lower-cases header names and keeps the raw path") {
  BeastRequest m{http::verb::post, "/api/a%20b?k=v", 11};
  m.set("X-Mixed-Case", "Value");
  m.body() = "payload";
  const Request r = to_request(std::move(m), "1.2.3.4:5");
  CHECK(r.method == "POST");
  CHECK(r.path == "/api/a%20b");
  CHECK(r.query == "k=v");
  CHECK(r.header("x-mixed-case") == "Value");
  CHECK(r.body == "payload");
  CHECK(r.remote_address == "1.2.3.4:5");
}

TEST_CASE("to_beast_response: headers, HEAD, close, bad status, unsafe headers") {
  Response resp = Response::text(200, "12345");
  resp.headers.emplace_back("X-Ok", "yes");
  resp.headers.emplace_back("X-Bad", "a\r\nInjected: 1");
  resp.headers.emplace_back("Bad Name", "v");
  BeastResponse out = to_beast_response(Response(resp), 11, true, false);
  CHECK(out.result_int() == 200);
  CHECK(out.body() == "12345");
  CHECK(out[http::field::content_length] == "5");
  CHECK(out["X-Ok"] == "yes");
  CHECK(out.find("X-Bad") == out.end());
  CHECK(out.find("Injected") == out.end());
  CHECK(out.keep_alive());

  BeastResponse head = to_beast_response(Response(resp), 11, true, true);
  CHECK(head.body().empty());
  CHECK(head[http::field::content_length] == "5");

  resp.close = true;
  CHECK_FALSE(to_beast_response(Response(resp), 11, true, false).keep_alive());
  CHECK_FALSE(to_beast_response(Response::text(200, ""), 11, false, false).keep_alive());
  CHECK(to_beast_response(Response::text(42, ""), 11, true, false).result_int() == 500);
  CHECK(to_beast_response(Response::text(100, ""), 11, true, false).result_int() == 500);
  const BeastResponse no_content = to_beast_response(Response::text(204, "x"), 11, true, false);
  CHECK(no_content.body().empty());
  CHECK(no_content.find(http::field::content_length) == no_content.end());
}

}  // namespace wte::web
