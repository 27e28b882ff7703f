#pragma once
// Every way a WHM call can fail, as a value: the exporter turns each into a log line and a
// metric label, so a call never throws and never crashes the poller.
#include <string>
#include <string_view>

#include "error/result.hpp"

namespace wte::whm {

enum class ErrorReason { timeout, connect, tls, auth, http, api, bad_response, too_large };

// Lower-case names; they are Prometheus label values, so they never change.
std::string_view to_string(ErrorReason reason) noexcept;

struct ApiError {
  ErrorReason reason;
  std::string message;       // for people: what failed and, where known, why (never the token)
  unsigned http_status = 0;  // the HTTP status when one was received, else 0
};

// A value or the ApiError that prevented it; callers branch on its reason.
template <class T>
using Result = wte::Result<T, ApiError>;

}  // namespace wte::whm
