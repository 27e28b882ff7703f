#include "whm/response_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <chrono>

#include "whm/transport_error.hpp"

namespace wte::whm {

namespace http = boost::beast::http;

void configure_response_parser(ResponseParser& parser, std::size_t body_limit) {
  parser.body_limit(body_limit);
  parser.header_limit(kResponseHeaderLimit);
}

RawResponse take_response(ResponseParser& parser) {
  auto& message = parser.get();
  RawResponse response;
  response.status = message.result_int();
  if (auto it = message.find(http::field::content_type); it != message.end()) {
    response.content_type = std::string(it->value());
  }
  response.body = std::move(message.body());
  return response;
}

ReadResponse read_response(std::string_view bytes, std::size_t body_limit, std::string_view where) {
  ReadResponse out;
  ResponseParser parser;
  configure_response_parser(parser, body_limit);
  parser.eager(true);
  boost::system::error_code ec;
  std::string_view rest = bytes;
  // As async_read does: put what has arrived until the answer is done or an error.
  while (!parser.is_done()) {
    std::size_t used = 0;
    if (!rest.empty()) used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec == http::error::need_more) ec = {};
    if (ec) break;
    if (used == 0) {  // nothing more in what arrived: the connection ended here
      if (!parser.got_some()) {
        ec = http::error::end_of_stream;  // as async_read says of a close before any byte
      } else {
        parser.put_eof(ec);
        if (!ec && !parser.is_done()) ec = http::error::partial_message;
      }
      break;
    }
  }
  out.consumed = bytes.size() - rest.size();
  if (ec || !parser.is_done()) {
    TransportFailure failure;
    failure.phase = Phase::read;
    failure.ec = ec ? ec : http::error::partial_message;
    failure.got_response_bytes = !bytes.empty();
    out.response = describe_failure(failure, {where, std::chrono::milliseconds(0), body_limit});
    return out;
  }
  out.keep_alive = parser.keep_alive();  // false too for a body that ends with the connection
  out.reusable = out.keep_alive && rest.empty();
  out.response = take_response(parser);
  return out;
}

}  // namespace wte::whm
