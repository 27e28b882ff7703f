#include "config/key_suggest.hpp"

#include <algorithm>
#include <vector>

namespace wte::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Two rows of the classic table are enough.
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string_view> closest_key(std::string_view key,
                                            std::span<const std::string_view> allowed) {
  // Keys longer than any allowed one by far are not typos; skip the quadratic work.
  if (key.size() > 128) return std::nullopt;
  const std::size_t budget = std::max<std::size_t>(2, key.size() / 3);
  std::optional<std::string_view> best;
  std::size_t best_distance = budget + 1;
  for (std::string_view candidate : allowed) {
    const std::size_t d = edit_distance(key, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string join_keys(std::span<const std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

}  // namespace wte::config
