#pragma once
// gzip (RFC 1952) of a whole body in memory, with zlib, for `Content-Encoding: gzip`.
// Pure. Prometheus asks for gzip on every scrape; /metrics shrinks about twentyfold.
#include <optional>
#include <string>
#include <string_view>

namespace wte::metrics {

// zlib's levels 1 (fastest) to 9 (smallest); 6 is zlib's and Go's default. Throws
// std::length_error past 1 GiB and std::bad_alloc when zlib has no memory.
std::string gzip_compress(std::string_view data, int level = 6);

// The original bytes of one complete gzip stream; nullopt if `data` is anything else.
// For tests and tools.
std::optional<std::string> gzip_decompress(std::string_view data);

}  // namespace wte::metrics
