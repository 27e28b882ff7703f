#pragma once
// Scale-out: instance I of N polls the remote hosts whose name hashes to I. The hash is
// FNV-1a (64-bit), fixed forever, so every instance agrees without talking to the others.
#include <cstdint>
#include <string_view>

namespace wte::exporter {

constexpr std::uint64_t fnv1a64(std::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

constexpr bool in_shard(std::string_view host_name, unsigned index, unsigned count) noexcept {
  return count <= 1 || fnv1a64(host_name) % count == index;
}

}  // namespace wte::exporter
