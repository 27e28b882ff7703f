#pragma once
// FNV-1a, 64-bit: a few instructions per byte, a good spread on short names, and the same
// value on every machine and in every version. Shard assignment depends on that
// (exporter/shard.hpp): the constants and the order of xor and multiply never change.
#include <cstdint>
#include <string_view>

namespace wte::text {

inline constexpr std::uint64_t kFnv1aOffsetBasis = 14695981039346656037ull;
inline constexpr std::uint64_t kFnv1aPrime = 1099511628211ull;

constexpr std::uint64_t fnv1a64(std::string_view s) noexcept {
  std::uint64_t h = kFnv1aOffsetBasis;
  for (const char c : s) {
    h ^= static_cast<std::uint8_t>(c);
    h *= kFnv1aPrime;
  }
  return h;
}

}  // namespace wte::text
