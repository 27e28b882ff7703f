#pragma once
// "Did you mean ...?" for misspelt config keys.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wte::config {

// Levenshtein distance, case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The allowed key closest to `key`, if it is close enough to be a plausible typo
// (at most a third of the key's length, and at least 2 edits, are allowed).
std::optional<std::string_view> closest_key(std::string_view key,
                                            std::span<const std::string_view> allowed);

// "a, b, c": the list for an "allowed keys are ..." message.
std::string join_keys(std::span<const std::string_view> keys);

}  // namespace wte::config
