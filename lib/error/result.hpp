#pragma once
// The one way fallible operations in lib/ report failure: a Result holds either the value or
// the error that prevented it. Errors from the world (files, network, bad input) are values,
// never exceptions that cross a module, and the caller must look before using the value.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace wte {

// An error for people: what failed and why, naming the file, host or key involved. Never
// holds a secret.
struct Error {
  std::string message;
  bool operator==(const Error&) const = default;
};

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

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
  const E& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }
  // The value, or `fallback` when there is none (the error is then dropped: only for callers
  // that do not need to know why).
  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, E> v_;
};

// Success with nothing to return.
struct Done {};
template <class E = Error>
using Status = Result<Done, E>;
inline constexpr Done done{};

}  // namespace wte
