#pragma once
// How the landing page shows times, sizes and counts, and the order it lists names in.
// Pure: "now" is passed in. landing_page.js has the same functions (same names in
// camelCase): a number reads the same before and after the page updates itself.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// A count with thousands separators: "20,000", "-1,234".
std::string format_count(std::int64_t n);

// A duration for people, two units at most: "45 s", "17 min", "3 h 5 min", "2 d 4 h".
std::string format_duration(double seconds);

// A rate per hour: whole above 10 ("1,234"), else one decimal ("2.5").
std::string format_rate(double per_hour);

// Natural order: digit runs compare as numbers ("sim2" < "sim10"), letters without case
// ("Alpha" < "beta"); names equal that way fall back to plain byte order, so the order is
// total.
bool natural_less(std::string_view a, std::string_view b) noexcept;

}  // namespace wte::status
