#include "config/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace wte::config {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// Reads a run of decimal digits from the front of `text` into `out`; false if there are
// none or the value overflows.
bool take_number(std::string_view& text, std::uint64_t& out) noexcept {
  std::size_t n = 0;
  std::uint64_t value = 0;
  while (n < text.size() && is_digit(text[n])) {
    const auto digit = static_cast<std::uint64_t>(text[n] - '0');
    if (__builtin_mul_overflow(value, std::uint64_t{10}, &value) ||
        __builtin_add_overflow(value, digit, &value)) {
      return false;
    }
    ++n;
  }
  if (n == 0) return false;
  text.remove_prefix(n);
  out = value;
  return true;
}

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

// Largest first: their order in a duration must follow this one.
constexpr std::array<Unit, 5> kDurationUnits{{{"d", 86'400'000},
                                              {"h", 3'600'000},
                                              {"ms", 1},  // before "m": longest match
                                              {"m", 60'000},
                                              {"s", 1'000}}};

// Rank for ordering: d > h > m > s > ms.
int duration_rank(std::string_view unit) noexcept {
  if (unit == "d") return 5;
  if (unit == "h") return 4;
  if (unit == "m") return 3;
  if (unit == "s") return 2;
  return 1;
}

constexpr std::array<Unit, 9> kSizeUnits{{{"B", 1},
                                          {"KiB", std::uint64_t{1} << 10},
                                          {"MiB", std::uint64_t{1} << 20},
                                          {"GiB", std::uint64_t{1} << 30},
                                          {"TiB", std::uint64_t{1} << 40},
                                          {"KB", 1'000},
                                          {"MB", 1'000'000},
                                          {"GB", 1'000'000'000},
                                          {"TB", 1'000'000'000'000}}};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t total = 0;
  int last_rank = 6;
  while (!text.empty()) {
    std::uint64_t value = 0;
    if (!take_number(text, value)) return std::nullopt;
    const Unit* unit = nullptr;
    for (const Unit& u : kDurationUnits) {
      if (text.starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    const int rank = duration_rank(unit->name);
    if (rank >= last_rank) return std::nullopt;  // repeated or out of order: "1s1h"
    last_rank = rank;
    text.remove_prefix(unit->name.size());
    std::uint64_t part = 0;
    if (__builtin_mul_overflow(value, unit->factor, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return std::nullopt;
    }
  }
  if (total > static_cast<std::uint64_t>(std::chrono::milliseconds::max().count())) {
    return std::nullopt;
  }
  return std::chrono::milliseconds{static_cast<std::chrono::milliseconds::rep>(total)};
}

std::string format_duration(std::chrono::milliseconds d) {
  if (d.count() == 0) return "0s";
  std::string out;
  // Negate in unsigned arithmetic: milliseconds::min() has no positive counterpart.
  auto rest = static_cast<std::uint64_t>(d.count());
  if (d.count() < 0) {
    out += '-';
    rest = ~rest + 1;
  }
  constexpr std::array<Unit, 5> kLargestFirst{
      {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
  for (const Unit& u : kLargestFirst) {
    if (rest >= u.factor) {
      out += std::to_string(rest / u.factor);
      out += u.name;
      rest %= u.factor;
    }
  }
  return out;
}

std::optional<std::size_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  if (!take_number(text, value)) return std::nullopt;
  std::uint64_t factor = 1;
  if (!text.empty()) {
    const Unit* unit = nullptr;
    for (const Unit& u : kSizeUnits) {
      if (text == u.name) unit = &u;
    }
    if (unit == nullptr) return std::nullopt;
    factor = unit->factor;
  }
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(value, factor, &bytes)) return std::nullopt;
  if (bytes > std::numeric_limits<std::size_t>::max()) return std::nullopt;
  return static_cast<std::size_t>(bytes);
}

std::optional<ShardSpec> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view index_text = text.substr(0, slash);
  std::string_view count_text = text.substr(slash + 1);
  std::uint64_t index = 0;
  std::uint64_t count = 0;
  if (!take_number(index_text, index) || !index_text.empty()) return std::nullopt;
  if (!take_number(count_text, count) || !count_text.empty()) return std::nullopt;
  if (count == 0 || index >= count || count > std::numeric_limits<unsigned>::max()) {
    return std::nullopt;
  }
  return ShardSpec{static_cast<unsigned>(index), static_cast<unsigned>(count)};
}

}  // namespace wte::config
