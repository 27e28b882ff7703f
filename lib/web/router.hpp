#pragma once
// Maps (method, path) to a handler, without sockets. An exact path beats a prefix, a
// longer prefix beats a shorter one; HEAD is served by the GET handler. An unknown path
// is a 404, a known path with the wrong method a 405 with an Allow header.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/http_types.hpp"

namespace wte::web {

class Router {
 public:
  // Registers `handler` for requests whose path equals `path`.
  void add(std::string method, std::string path, AsyncHandler handler);
  // Registers `handler` for requests whose path starts with `prefix`.
  void add_prefix(std::string method, std::string prefix, AsyncHandler handler);

  struct Match {
    const AsyncHandler* handler = nullptr;  // set when a route accepts the request
    unsigned status = 200;                  // 200, 404 or 405
    std::string allow;                      // for a 405: the methods the path accepts
  };
  // Pure routing decision; the returned handler lives as long as the router.
  Match route(std::string_view method, std::string_view path) const;

  // Routes and calls the handler, or responds 404/405 itself.
  void dispatch(Request request, Respond respond) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    AsyncHandler handler;
  };
  // How well a route matches a path: nullopt if not at all, larger is more specific.
  static std::optional<std::size_t> specificity(const Route& route, std::string_view path);
  static bool accepts(const Route& route, std::string_view method);

  std::vector<Route> routes_;
};

}  // namespace wte::web
