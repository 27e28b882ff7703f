#pragma once
// Between Beast's messages and the server's Request/Response. Pure: shared by the server
// and the fuzzer.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "web/http_types.hpp"

namespace wte::web {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Splits the target into path and query. An absolute-form target ("http://h/p?q") keeps
// only its path and query; "*" stays "*".
void split_target(std::string_view target, std::string& path, std::string& query);

Request to_request(BeastRequest&& message, std::string remote_address);

// `head`: answer a HEAD request (Content-Length of the body, no body). `keep_alive`: the
// connection stays open (unless the response asks to close).
BeastResponse to_beast_response(Response&& response, unsigned http_version, bool keep_alive,
                                bool head);

// A header name and value safe to send: a token name, no CR, LF or NUL in the value.
bool is_safe_header(std::string_view name, std::string_view value) noexcept;

}  // namespace wte::web
