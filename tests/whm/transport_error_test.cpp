#include "whm/transport_error.hpp"

#include <doctest/doctest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

using namespace wte::whm;
namespace http = boost::beast::http;
namespace aerr = boost::asio::error;

namespace {
const FailureContext kContext{"whm.example:2087", std::chrono::milliseconds(300), 1000};

ApiError describe(Phase phase, boost::system::error_code ec, bool got_bytes = false) {
  TransportFailure f;
  f.phase = phase;
  f.ec = ec;
  f.got_response_bytes = got_bytes;
  return describe_failure(f, kContext);
}
}  // namespace

TEST_CASE("failures map to reasons") {
  CHECK(describe(Phase::resolve, aerr::host_not_found).reason == ErrorReason::connect);
  const ApiError refused = describe(Phase::connect, aerr::connection_refused);
  CHECK(refused.reason == ErrorReason::connect);
  CHECK(refused.message.find("whm.example:2087") != std::string::npos);
  CHECK(describe(Phase::handshake, boost::asio::ssl::error::stream_truncated).reason ==
        ErrorReason::tls);
  CHECK(describe(Phase::write, aerr::broken_pipe).reason == ErrorReason::connect);
  CHECK(describe(Phase::read, http::error::body_limit, true).reason == ErrorReason::too_large);
  CHECK(describe(Phase::read, http::error::end_of_stream, false).reason == ErrorReason::connect);
  CHECK(describe(Phase::read, http::error::partial_message, true).reason ==
        ErrorReason::bad_response);
  CHECK(describe(Phase::read, aerr::connection_reset, true).reason == ErrorReason::bad_response);
  const ApiError malformed = describe(Phase::read, http::error::bad_version, true);
  CHECK(malformed.reason == ErrorReason::bad_response);
  CHECK(malformed.message.find("malformed") != std::string::npos);
  CHECK(describe(Phase::read, boost::beast::error::timeout, true).reason == ErrorReason::timeout);
}

TEST_CASE("deadline and cancellation win over the error code") {
  TransportFailure f;
  f.phase = Phase::handshake;
  f.ec = aerr::operation_aborted;
  f.timed_out = true;
  const ApiError timeout = describe_failure(f, kContext);
  CHECK(timeout.reason == ErrorReason::timeout);
  CHECK(timeout.message.find("300 ms") != std::string::npos);
  CHECK(timeout.message.find("TLS handshake") != std::string::npos);
  f.cancelled = true;
  CHECK(describe_failure(f, kContext).message.find("cancelled") != std::string::npos);
}

TEST_CASE("a refused certificate says why") {
  TransportFailure f;
  f.phase = Phase::handshake;
  f.ec = aerr::operation_aborted;
  f.tls_verify_error = "hostname mismatch";
  const ApiError e = describe_failure(f, kContext);
  CHECK(e.reason == ErrorReason::tls);
  CHECK(e.message.find("certificate verify failed: hostname mismatch") != std::string::npos);
}
