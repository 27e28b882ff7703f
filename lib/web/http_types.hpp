#pragma once
// The server's view of one HTTP exchange, free of Beast and sockets, so handlers, the
// router and the auth check can be tested (and fuzzed) without a network.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wte::web {

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // the raw request target, e.g. "/api/x%20y?a=1"
  std::string path;    // target before '?', NOT percent-decoded (the handler decides)
  std::string query;   // target after '?', raw
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;  // "ip:port" or "[ip6]:port"

  // The first header of that (lower-case) name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // The first query parameter of that name, percent-decoded ('+' is a space).
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  bool close = false;  // close the connection after this response
  // Send the body with chunked transfer encoding instead of a Content-Length (as older
  // cPanel versions do; used by the simulator).
  bool chunked = false;
  // Test faults: announce the whole body, send only this many bytes of it, then close.
  std::optional<std::size_t> abort_after_body_bytes;

  static Response text(unsigned status, std::string body);
  static Response json(unsigned status, std::string body);
  static Response html(std::string body);
};

// Called once with the response; may be called later than the handler returns, and after
// the connection died (then it does nothing). Only the io_context's thread may call it.
using Respond = std::function<void(Response)>;
// Runs on the io_context's thread; must not block.
using AsyncHandler = std::function<void(Request, Respond)>;

// Adapts a synchronous handler.
AsyncHandler make_async(std::function<Response(const Request&)> handler);

// Decodes %XX escapes (and '+' as a space if asked); nullopt if an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// ASCII lower case, for header names and schemes.
std::string to_lower_ascii(std::string_view text);
bool iequals_ascii(std::string_view a, std::string_view b) noexcept;

}  // namespace wte::web
