#pragma once
// Label values come from logs, servers and the config: untrusted bytes. serialize_text escapes
// \ " and newlines; making them valid UTF-8 (and short, for failures) is our part.
#include <cstddef>
#include <string>
#include <string_view>

namespace wte::metrics {

inline constexpr std::size_t kFailureLabelBytes = 200;

// `s` as valid UTF-8: each ill-formed sequence becomes U+FFFD.
std::string label_value(std::string_view s);

// The `failure` label of whm_transfer_item_failed: at most the first 200 bytes of the text,
// valid UTF-8 cut on a character boundary, newlines and other control characters as spaces
// (a failure text is a message, not a layout).
std::string failure_label(std::string_view failure);

}  // namespace wte::metrics
