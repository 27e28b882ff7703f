#pragma once
// Just enough JSON writing for master-log lines: strings escaped the way cPanel's two
// generations do it, and objects whose key order is shuffled (real logs come from Perl
// hashes, so the order changes from line to line).
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wte::loggen {

// A seeded source of choices; std::mt19937_64's output is fixed by the standard, and the
// helpers below avoid the implementation-defined std distributions, so a seed gives the
// same log everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : engine_() % n; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  std::mt19937_64 engine_;
};

// A 64-bit mix of two values (splitmix64), to derive independent seeds.
std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) noexcept;

// `s` (UTF-8) as a JSON string. With `ascii_only` every non-ASCII character becomes a
// \uXXXX escape, as in the 2014 logs; without it the UTF-8 is written raw.
std::string json_string(std::string_view s, bool ascii_only);
// A count: a JSON number, or (legacy) the number as a string.
std::string json_count(std::int64_t n, bool as_string);

using Fields = std::vector<std::pair<std::string_view, std::string>>;  // key, JSON value
// {"k":v,...} with the fields in a random order.
std::string json_object(Fields fields, Random& random);
// [a,b,...] of already-written values.
std::string json_array(const std::vector<std::string>& values);

}  // namespace wte::loggen
