#pragma once
// How the client reads one HTTP answer off the wire: the parser and its limits, and the
// answer taken out of it. Connection uses these on its socket; read_response() runs the same
// parser over bytes in memory, so the reading of status lines, headers and (chunked) bodies
// is tested and fuzzed without a network.
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "whm/errors.hpp"
#include "whm/padded_string_body.hpp"

namespace wte::whm {

struct RawResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;  // with kScanSlack spare capacity (see padded_string_body.hpp)
};

using ResponseParser = boost::beast::http::response_parser<PaddedStringBody>;

// cpsrvd's headers are small; this bound only stops a server that never ends them.
inline constexpr std::uint32_t kResponseHeaderLimit = 64 * 1024;

// Applies the client's limits to a fresh parser.
void configure_response_parser(ResponseParser& parser, std::size_t body_limit);

// Moves the finished answer out of `parser`.
RawResponse take_response(ResponseParser& parser);

struct ReadResponse {
  Result<RawResponse> response = ApiError{ErrorReason::bad_response, "not read"};
  std::size_t consumed = 0;  // bytes of `bytes` the answer took
  bool keep_alive = false;   // the answer allows another request on the connection
  bool reusable = false;     // keep_alive, and no byte follows the answer (see Connection)
};

// Reads one answer from `bytes`, as the client would from a connection that delivered
// exactly these bytes and then closed: a parse error, an answer cut short and a body over
// `body_limit` become the same ApiErrors as on a socket (transport_error.hpp).
ReadResponse read_response(std::string_view bytes, std::size_t body_limit,
                           std::string_view where = "server");

}  // namespace wte::whm
