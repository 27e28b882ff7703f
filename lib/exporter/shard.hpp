#pragma once
// Scale-out: instance I of N polls the remote hosts whose name hashes to I. The hash is
// FNV-1a (64-bit), fixed forever, so every instance agrees without talking to the others.
#include <string_view>

#include "text/fnv1a.hpp"

namespace wte::exporter {

constexpr bool in_shard(std::string_view host_name, unsigned index, unsigned count) noexcept {
  return count <= 1 || text::fnv1a64(host_name) % count == index;
}

}  // namespace wte::exporter
