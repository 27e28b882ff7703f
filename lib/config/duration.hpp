#pragma once
// The config's value syntaxes: durations ("1h30m"), sizes ("256MiB") and shards ("0/4").
// Pure functions; std::nullopt means "not in the syntax", never a partial value.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace wte::config {

// Units d, h, m, s, ms, each at most once and largest first: "500ms", "15s", "1h30m", "2d".
// No sign, no fractions, no spaces, no bare number (a unit is always required).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest text parse_duration() reads back as `d` ("0s", "1m30s", "1d"); negative
// values get a leading '-' (they are never parsed back).
std::string format_duration(std::chrono::milliseconds d);

// Plain bytes ("1048576", "100B") or an integer with a unit: KiB MiB GiB TiB (powers of
// 1024) or KB MB GB TB (powers of 1000). Fails on overflow.
std::optional<std::size_t> parse_size(std::string_view text);

// "I/N" with decimal I and N, 0 <= I < N.
std::optional<ShardSpec> parse_shard(std::string_view text);

}  // namespace wte::config
