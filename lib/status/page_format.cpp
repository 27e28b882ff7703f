#include "status/page_format.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Compares the digit runs starting at a[i] and b[j] as numbers and moves past them: <0, 0, >0.
int compare_numbers(std::string_view a, std::size_t& i, std::string_view b, std::size_t& j) {
  while (i < a.size() && a[i] == '0') ++i;  // leading zeros do not count
  while (j < b.size() && b[j] == '0') ++j;
  const std::size_t ai = i;
  const std::size_t bj = j;
  while (i < a.size() && is_digit(a[i])) ++i;
  while (j < b.size() && is_digit(b[j])) ++j;
  if (i - ai != j - bj) return i - ai < j - bj ? -1 : 1;  // more digits: a larger number
  return a.substr(ai, i - ai).compare(b.substr(bj, j - bj));
}

// <0, 0 or >0 in natural order, 0 for names that differ only in case or leading zeros.
int natural_compare(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      if (const int c = compare_numbers(a, i, b, j); c != 0) return c;
      continue;
    }
    const auto x = static_cast<unsigned char>(lower(a[i]));
    const auto y = static_cast<unsigned char>(lower(b[j]));
    if (x != y) return x < y ? -1 : 1;
    ++i;
    ++j;
  }
  const std::size_t rest_a = a.size() - i;
  const std::size_t rest_b = b.size() - j;
  return rest_a == rest_b ? 0 : (rest_a < rest_b ? -1 : 1);
}

// One decimal, halves rounded up as JavaScript's Math.round does (printf would round 8.25 to
// even, "8.2", where the page's script writes "8.3").
std::string one_decimal(double v) {
  const auto tenths = static_cast<long long>(std::floor(v * 10 + 0.5));
  const long long whole = tenths >= 0 ? tenths / 10 : -((-tenths) / 10);
  const long long decimal = tenths >= 0 ? tenths % 10 : (-tenths) % 10;
  std::string out(tenths < 0 && whole == 0 ? "-" : "");  // (appends: GCC 12 -Wrestrict)
  out += std::to_string(whole);
  out += '.';
  out += std::to_string(decimal);
  return out;
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
  return one_decimal(value) + " " + kUnits[unit];
}

std::string format_seconds(double seconds) {
  std::array<char, 32> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%.3f s", seconds);
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string format_count(std::int64_t n) {
  const std::string digits = std::to_string(n);
  const std::size_t sign = n < 0 ? 1 : 0;
  std::string out = digits.substr(0, sign);
  const std::size_t len = digits.size() - sign;
  for (std::size_t k = 0; k < len; ++k) {
    if (k > 0 && (len - k) % 3 == 0) out += ',';
    out += digits[sign + k];
  }
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  const auto two = [](long long big, const char* big_unit, long long small, const char* unit) {
    std::string out = std::to_string(big) + big_unit;
    if (small > 0) {
      out += ' ';
      out += std::to_string(small);
      out += unit;
    }
    return out;
  };
  if (s < 90) return std::to_string(s) + " s";
  if (s < 90 * 60) return std::to_string((s + 30) / 60) + " min";
  const long long minutes = (s + 30) / 60;
  if (minutes < 48 * 60) return two(minutes / 60, " h", minutes % 60, " min");
  const long long hours = (s + 1800) / 3600;
  return two(hours / 24, " d", hours % 24, " h");
}

std::string format_rate(double per_hour) {
  if (!std::isfinite(per_hour)) return "?";
  if (std::fabs(per_hour) >= 10) return format_count(std::llround(per_hour));
  return one_decimal(per_hour);
}

bool natural_less(std::string_view a, std::string_view b) noexcept {
  const int c = natural_compare(a, b);
  return c != 0 ? c < 0 : a < b;
}

}  // namespace wte::status
