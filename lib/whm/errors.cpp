#include "whm/errors.hpp"

namespace wte::whm {

std::string_view to_string(ErrorReason reason) noexcept {
  switch (reason) {
    case ErrorReason::timeout:
      return "timeout";
    case ErrorReason::connect:
      return "connect";
    case ErrorReason::tls:
      return "tls";
    case ErrorReason::auth:
      return "auth";
    case ErrorReason::http:
      return "http";
    case ErrorReason::api:
      return "api";
    case ErrorReason::bad_response:
      return "bad_response";
    case ErrorReason::too_large:
      return "too_large";
  }
  return "unknown";
}

}  // namespace wte::whm
