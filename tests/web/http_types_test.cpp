#include "web/http_types.hpp"

#include <doctest/doctest.h>

namespace wte::web {

TEST_CASE("Request::header finds the first header of a lower-case name") {
  Request r;
  r.headers = {{"host", "a"}, {"x-twice", "1"}, {"x-twice", "2"}};
  CHECK(r.header("host") == "a");
  CHECK(r.header("x-twice") == "1");
  CHECK_FALSE(r.header("missing"));
}

TEST_CASE("Request::query_param decodes") {
  Request r;
  r.query = "a=1&b=x%20y+z&flag&a=2&bad=%zz&enc%3Dkey=v&empty=";
  CHECK(r.query_param("a") == "1");
  CHECK(r.query_param("b") == "x y z");
  CHECK(r.query_param("flag") == "");
  CHECK(r.query_param("bad") == "%zz");  // malformed escapes stay as sent
  CHECK(r.query_param("enc=key") == "v");
  CHECK(r.query_param("empty") == "");
  CHECK_FALSE(r.query_param("nope"));
  Request none;
  CHECK_FALSE(none.query_param("a"));
}

TEST_CASE("percent_decode") {
  CHECK(percent_decode("a%2Fb") == "a/b");
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("%00") == std::string(1, '\0'));
  CHECK_FALSE(percent_decode("%"));
  CHECK_FALSE(percent_decode("%4"));
  CHECK_FALSE(percent_decode("%G0"));
  CHECK(percent_decode("") == "");
}

TEST_CASE("Response helpers and make_async") {
  CHECK(Response::text(201, "x").status == 201);
  CHECK(Response::json(200, "{}").content_type == "application/json");
  CHECK(Response::html("<p>").content_type == "text/html; charset=utf-8");
  const AsyncHandler h = make_async([](const Request& r) { return Response::text(200, r.path); });
  Request r;
  r.path = "/p";
  std::string got;
  h(r, [&got](Response resp) { got = resp.body; });
  CHECK(got == "/p");
}

TEST_CASE("ASCII case helpers") {
  CHECK(to_lower_ascii("Content-TYPE") == "content-type");
  CHECK(iequals_ascii("Basic", "bASIC"));
  CHECK_FALSE(iequals_ascii("Basic", "Basi"));
}

}  // namespace wte::web
