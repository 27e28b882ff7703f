#include "whm/transport_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace wte::whm {

namespace http = boost::beast::http;

std::string_view to_string(Phase phase) noexcept {
  switch (phase) {
    case Phase::queue:
      return "waiting for a free connection";
    case Phase::resolve:
      return "resolving the host";
    case Phase::connect:
      return "connecting";
    case Phase::handshake:
      return "in the TLS handshake";
    case Phase::write:
      return "sending the request";
    case Phase::read:
      return "reading the response";
  }
  return "?";
}

namespace {

ApiError read_failure(const TransportFailure& f, const FailureContext& c) {
  const std::string where(c.where);
  if (f.ec == http::error::body_limit) {
    return {ErrorReason::too_large, "response from " + where + " exceeds the limit of " +
                                        std::to_string(c.body_limit) +
                                        " bytes (max_response_bytes)"};
  }
  if (f.ec == http::error::header_limit) {
    return {ErrorReason::too_large, "response header from " + where + " is too large"};
  }
  if (!f.got_response_bytes) {
    return {ErrorReason::connect,
            where + " closed the connection without answering (" + f.ec.message() + ")"};
  }
  const bool parse_error =
      f.ec.category() == http::make_error_code(http::error::body_limit).category() &&
      f.ec != http::error::partial_message && f.ec != http::error::end_of_stream;
  if (parse_error) {
    return {ErrorReason::bad_response,
            "malformed HTTP response from " + where + ": " + f.ec.message()};
  }
  // The transport stopped mid-answer (EOF, reset, TLS truncation).
  return {ErrorReason::bad_response,
          "response from " + where + " cut short (" + f.ec.message() + ")"};
}

}  // namespace

ApiError describe_failure(const TransportFailure& f, const FailureContext& c) {
  const std::string where(c.where);
  if (f.cancelled) return {ErrorReason::timeout, "request to " + where + " cancelled"};
  if (f.timed_out || f.ec == boost::beast::error::timeout) {
    return {ErrorReason::timeout, "no answer from " + where + " within " +
                                      std::to_string(c.timeout.count()) + " ms (" +
                                      std::string(to_string(f.phase)) + ")"};
  }
  switch (f.phase) {
    case Phase::queue:
      return {ErrorReason::timeout, "request to " + where + " could not start"};
    case Phase::resolve:
      return {ErrorReason::connect, "cannot resolve " + where + ": " + f.ec.message()};
    case Phase::connect:
      return {ErrorReason::connect, "cannot connect to " + where + ": " + f.ec.message()};
    case Phase::handshake:
      if (!f.tls_verify_error.empty()) {
        return {ErrorReason::tls, "TLS handshake with " + where +
                                      " failed: certificate verify failed: " + f.tls_verify_error};
      }
      return {ErrorReason::tls, "TLS handshake with " + where + " failed: " + f.ec.message()};
    case Phase::write:
      return {ErrorReason::connect,
              "connection to " + where + " lost while sending the request: " + f.ec.message()};
    case Phase::read:
      return read_failure(f, c);
  }
  return {ErrorReason::connect, "request to " + where + " failed: " + f.ec.message()};
}

}  // namespace wte::whm
