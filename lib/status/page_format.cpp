#include "status/page_format.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace wte::status {
namespace {

std::string format_time(double unix_seconds, const char* pattern) {
  if (!std::isfinite(unix_seconds)) return "?";
  const auto t = static_cast<std::time_t>(std::floor(unix_seconds));
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "?";
  std::array<char, 64> buf{};
  const std::size_t n = std::strftime(buf.data(), buf.size(), pattern, &tm);
  return std::string(buf.data(), n);
}

}  // namespace

std::string format_age(std::optional<double> then_unix, double now_unix) {
  if (!then_unix) return "never";
  const double age = now_unix - *then_unix;
  if (!std::isfinite(age) || age < 1) return "just now";  // also a clock that went back
  const auto whole = static_cast<long long>(age);
  if (whole < 120) return std::to_string(whole) + " s ago";
  if (whole < 2 * 3600) return std::to_string(whole / 60) + " min ago";
  if (whole < 2 * 86400) return std::to_string(whole / 3600) + " h ago";
  return std::to_string(whole / 86400) + " d ago";
}

std::string format_utc(double unix_seconds) {
  return format_time(unix_seconds, "%Y-%m-%d %H:%M:%S UTC");
}

std::string format_iso8601(double unix_seconds) {
  return format_time(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

std::string format_bytes(std::int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  constexpr std::array<const char*, 6> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  std::array<char, 32> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%.1f %s", value, kUnits[unit]);
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string format_seconds(double seconds) {
  std::array<char, 32> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%.3f s", seconds);
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

}  // namespace wte::status
