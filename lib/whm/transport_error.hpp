#pragma once
// Turning a failed network step into an ApiError, as a pure function, so that the mapping
// from (step, error code, what was seen) to reason and message is tested without sockets.
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "whm/errors.hpp"

namespace wte::whm {

enum class Phase { queue, resolve, connect, handshake, write, read };

std::string_view to_string(Phase phase) noexcept;  // "resolving the host", ...

struct TransportFailure {
  Phase phase = Phase::connect;
  boost::system::error_code ec;
  bool timed_out = false;           // the request's deadline fired
  bool cancelled = false;           // cancel_all()
  bool got_response_bytes = false;  // at least one byte of the answer arrived
  std::string tls_verify_error;     // OpenSSL's verdict on the certificate, if it was refused
};

struct FailureContext {
  std::string_view where;  // "HOST:PORT"
  std::chrono::milliseconds timeout{0};
  std::size_t body_limit = 0;
};

ApiError describe_failure(const TransportFailure& failure, const FailureContext& context);

}  // namespace wte::whm
