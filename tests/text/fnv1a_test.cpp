#include "text/fnv1a.hpp"

#include <doctest/doctest.h>

#include <string>

using wte::text::fnv1a64;

// The published FNV-1a 64-bit test vectors: a change to the function would move every
// remote host to another shard.
static_assert(fnv1a64("") == 0xcbf29ce484222325ull);
static_assert(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
static_assert(fnv1a64("foobar") == 0x85944171f73967e8ull);

TEST_CASE("FNV-1a: known values, every byte counts, bytes are unsigned") {
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a64("ab") != fnv1a64("ba"));
  CHECK(fnv1a64(std::string("a\0", 2)) != fnv1a64("a"));
  // A byte over 0x7F is hashed as 0..255, never sign-extended.
  const std::string high = "\xE2\x80\x9C";
  std::uint64_t expected = 0xcbf29ce484222325ull;
  for (const unsigned byte : {0xE2u, 0x80u, 0x9Cu}) expected = (expected ^ byte) * 1099511628211ull;
  CHECK(fnv1a64(high) == expected);
}
