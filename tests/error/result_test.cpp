// Result<T, E> and Status<E>: the value or the error, never both; moved out without copies.
#include "error/result.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

using wte::Error;
using wte::Result;
using wte::Status;

namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error{std::string("not a digit: ") + c};
  return c - '0';
}

enum class Reason { timeout, refused };
struct TypedError {
  Reason reason;
  std::string message;
};

Status<TypedError> connect(bool reachable) {
  if (!reachable) return TypedError{Reason::refused, "connection refused"};
  return wte::done;
}

}  // namespace

TEST_CASE("a Result holds the value or the error") {
  const auto seven = parse_digit('7');
  REQUIRE(seven.ok());
  CHECK(static_cast<bool>(seven));
  CHECK(seven.value() == 7);

  const auto letter = parse_digit('x');
  REQUIRE_FALSE(letter.ok());
  CHECK_FALSE(static_cast<bool>(letter));
  CHECK(letter.error() == Error{"not a digit: x"});
}

TEST_CASE("a typed error is what the caller branches on") {
  CHECK(connect(true).ok());
  const auto refused = connect(false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason == Reason::refused);
  CHECK(refused.error().message == "connection refused");
}

TEST_CASE("value and error move out of an rvalue Result") {
  Result<std::unique_ptr<int>> owned = std::make_unique<int>(5);
  REQUIRE(owned.ok());
  std::unique_ptr<int> taken = std::move(owned).value();
  REQUIRE(taken);
  CHECK(*taken == 5);

  Result<int, std::vector<std::string>> many = std::vector<std::string>{"a", "b"};
  REQUIRE_FALSE(many.ok());
  const std::vector<std::string> errors = std::move(many).error();
  CHECK(errors == std::vector<std::string>{"a", "b"});
}

TEST_CASE("the value can be changed in place") {
  Result<std::string> r = std::string("abc");
  r.value() += "d";
  CHECK(r.value() == "abcd");
}
