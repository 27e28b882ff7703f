#pragma once
// How the landing page shows times and sizes. Pure: "now" is passed in.
#include <cstdint>
#include <optional>
#include <string>

namespace wte::status {

// "never", "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago".
std::string format_age(std::optional<double> then_unix, double now_unix);

// "2020-09-01 20:10:42 UTC" (UTC, whole seconds).
std::string format_utc(double unix_seconds);
// "2020-09-01T20:10:42Z", for a <time datetime> attribute.
std::string format_iso8601(double unix_seconds);

// "0 B", "512 B", "1.5 KiB", "3.0 GiB".
std::string format_bytes(std::int64_t bytes);

// A duration in seconds, to the millisecond: "0.250 s".
std::string format_seconds(double seconds);

}  // namespace wte::status
