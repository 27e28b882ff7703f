#include "web/router.hpp"

#include <algorithm>
#include <set>

namespace wte::web {

void Router::add(std::string method, std::string path, AsyncHandler handler) {
  routes_.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void Router::add_prefix(std::string method, std::string prefix, AsyncHandler handler) {
  routes_.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

std::optional<std::size_t> Router::specificity(const Route& route, std::string_view path) {
  if (!route.prefix) {
    // Above every prefix, so an exact route always wins.
    if (path == route.path) return std::size_t{1} << 30;
    return std::nullopt;
  }
  if (path.starts_with(route.path)) return route.path.size();
  return std::nullopt;
}

bool Router::accepts(const Route& route, std::string_view method) {
  return route.method == method || (method == "HEAD" && route.method == "GET");
}

Router::Match Router::route(std::string_view method, std::string_view path) const {
  Match match;
  std::optional<std::size_t> best;
  bool path_known = false;
  std::set<std::string> allowed;
  for (const Route& r : routes_) {
    const auto score = specificity(r, path);
    if (!score) continue;
    path_known = true;
    allowed.insert(r.method);
    if (r.method == "GET") allowed.insert("HEAD");
    if (accepts(r, method) && (!best || *score > *best)) {
      best = score;
      match.handler = &r.handler;
    }
  }
  if (match.handler) return match;
  match.status = path_known ? 405 : 404;
  for (const std::string& m : allowed) {
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += m;
  }
  if (!path_known) match.allow.clear();
  return match;
}

void Router::dispatch(Request request, Respond respond) const {
  Match match = route(request.method, request.path);
  if (match.handler) {
    (*match.handler)(std::move(request), std::move(respond));
    return;
  }
  if (match.status == 404) {
    respond(Response::text(404, "404 page not found\n"));
    return;
  }
  Response response = Response::text(405, "405 method not allowed\n");
  response.headers.emplace_back("Allow", std::move(match.allow));
  respond(std::move(response));
}

}  // namespace wte::web
