#pragma once
// Every way a WHM call can fail, as a value: the exporter turns each into a log line and a
// metric label, so a call never throws and never crashes the poller.
#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace wte::whm {

enum class ErrorReason { timeout, connect, tls, auth, http, api, bad_response, too_large };

// Lower-case names; they are Prometheus label values, so they never change.
std::string_view to_string(ErrorReason reason) noexcept;

struct ApiError {
  ErrorReason reason;
  std::string message;       // for people: what failed and, where known, why (never the token)
  unsigned http_status = 0;  // the HTTP status when one was received, else 0
};

// A value or the ApiError that prevented it.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(ApiError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const ApiError& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  ApiError&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace wte::whm
