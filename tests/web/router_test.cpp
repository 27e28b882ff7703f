#include "web/router.hpp"

#include <doctest/doctest.h>

namespace wte::web {
namespace {

AsyncHandler named(std::string name) {
  return make_async([name](const Request&) { return Response::text(200, name); });
}

Response call(const Router& router, std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  Response out;
  out.status = 0;
  router.dispatch(r, [&out](Response resp) { out = std::move(resp); });
  return out;
}

}  // namespace

TEST_CASE("exact routes, prefixes and their precedence") {
  Router router;
  router.add("GET", "/metrics", named("metrics"));
  router.add_prefix("GET", "/api/", named("api"));
  router.add_prefix("GET", "/api/sessions/", named("sessions"));
  router.add("GET", "/api/special", named("special"));
  router.add("GET", "/", named("index"));

  CHECK(call(router, "GET", "/metrics").body == "metrics");
  CHECK(call(router, "GET", "/api/x").body == "api");
  CHECK(call(router, "GET", "/api/sessions/42").body == "sessions");
  CHECK(call(router, "GET", "/api/special").body == "special");
  CHECK(call(router, "GET", "/").body == "index");
  CHECK(call(router, "GET", "/metrics/").status == 404);
  CHECK(call(router, "GET", "/api").status == 404);
  CHECK(call(router, "GET", "").status == 404);
}

TEST_CASE("HEAD is served by GET routes") {
  Router router;
  router.add("GET", "/x", named("x"));
  CHECK(call(router, "HEAD", "/x").body == "x");
}

TEST_CASE("404 for an unknown path, 405 with Allow for a wrong method") {
  Router router;
  router.add("GET", "/metrics", named("get"));
  router.add("POST", "/metrics", named("post"));
  router.add("DELETE", "/thing", named("delete"));

  const Response missing = call(router, "GET", "/nowhere");
  CHECK(missing.status == 404);
  CHECK(missing.headers.empty());

  const Response wrong = call(router, "PUT", "/metrics");
  CHECK(wrong.status == 405);
  REQUIRE(wrong.headers.size() == 1);
  CHECK(wrong.headers[0].first == "Allow");
  CHECK(wrong.headers[0].second == "GET, HEAD, POST");
  CHECK(call(router, "POST", "/metrics").body == "post");

  const Router::Match m = router.route("GET", "/thing");
  CHECK(m.handler == nullptr);
  CHECK(m.status == 405);
  CHECK(m.allow == "DELETE");
  CHECK(router.route("get", "/metrics").status == 405);  // methods are case-sensitive
}

TEST_CASE("a prefix route with the wrong method is a 405 even if the path is deeper") {
  Router router;
  router.add_prefix("POST", "/json-api/", named("api"));
  const Router::Match m = router.route("GET", "/json-api/listaccts");
  CHECK(m.status == 405);
  CHECK(m.allow == "POST");
}

TEST_CASE("an empty router answers 404") {
  Router router;
  CHECK(call(router, "GET", "/").status == 404);
}

}  // namespace wte::web
