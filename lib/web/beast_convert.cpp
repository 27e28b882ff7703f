#include "web/beast_convert.hpp"

#include <algorithm>

namespace wte::web {
namespace http = boost::beast::http;

void split_target(std::string_view target, std::string& path, std::string& query) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const std::size_t authority = target.find("//") + 2;
    const std::size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const std::size_t q = target.find('?');
  path.assign(target.substr(0, q));
  if (path.empty()) path = "/";
  query.assign(q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
}

Request to_request(BeastRequest&& message, std::string remote_address) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  split_target(request.target, request.path, request.query);
  for (const auto& field : message) {
    request.headers.emplace_back(to_lower_ascii(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = std::move(remote_address);
  return request;
}

bool is_safe_header(std::string_view name, std::string_view value) noexcept {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!token) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

BeastResponse to_beast_response(Response&& response, unsigned http_version, bool keep_alive,
                                bool head) {
  // A 1xx or out-of-range status cannot be a final answer: treat it as the handler's bug.
  const unsigned status =
      (response.status >= 200 && response.status <= 599) ? response.status : 500;
  BeastResponse out{static_cast<http::status>(status), http_version};
  if (is_safe_header("Content-Type", response.content_type)) {
    out.set(http::field::content_type, response.content_type);
  }
  for (auto& [name, value] : response.headers) {
    if (is_safe_header(name, value)) out.insert(name, value);
  }
  const bool cut = response.abort_after_body_bytes.has_value();
  out.keep_alive(keep_alive && !response.close && !cut);
  if (status == 204 || status == 304) return out;  // these never carry a body
  const std::size_t size = response.body.size();
  if (cut) response.body.resize(std::min(size, *response.abort_after_body_bytes));
  if (!head) out.body() = std::move(response.body);
  if (response.chunked && !head && !cut) {
    out.chunked(true);
  } else {
    out.content_length(size);  // for HEAD: the size the GET would have had
  }
  return out;
}

}  // namespace wte::web
