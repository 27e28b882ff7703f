#pragma once
// One master-log line, decoded (docs/LOG-FORMAT.md section 3). The views point into the
// parser's line buffer and stay valid only until the next line is parsed.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace wte::log {

// What `contents.msg` was: its meaning depends on the action.
enum class MsgKind : std::uint8_t { absent, null, scalar, object, other };

// The counts a result line carries in `msg`; a field that is missing, null or not a
// number is nullopt.
struct ResultCounts {
  std::optional<std::int64_t> size;
  std::optional<std::int64_t> warnings;
  std::optional<std::int64_t> skipped_items;
  std::optional<std::int64_t> dangerous_items;
  std::optional<std::int64_t> altered_items;
};

struct LogEvent {
  std::string_view action;
  std::optional<std::string_view> queue;
  std::optional<std::string_view> item;
  std::optional<std::string_view> item_type;
  std::optional<std::int64_t> time;
  MsgKind msg_kind = MsgKind::absent;
  std::string_view msg_scalar;  // a string's text or a number's literal, when msg_kind is scalar
  ResultCounts counts;          // when msg_kind is object
  std::optional<std::string_view> failure;
  std::vector<std::string_view> dangerous_texts;  // from msg.contents.dangerous_items
  std::vector<std::string_view> altered_texts;    // from msg.contents.altered_items

  void clear() noexcept {
    action = {};
    queue.reset();
    item.reset();
    item_type.reset();
    time.reset();
    msg_kind = MsgKind::absent;
    msg_scalar = {};
    counts = {};
    failure.reset();
    dangerous_texts.clear();  // keeps capacity: no allocation per line once warm
    altered_texts.clear();
  }
};

// A JSON number or a number written as a string ("73682944", " 3", "5.0"), as an
// integer; nullopt for anything else, negative, or out of range.
std::optional<std::int64_t> parse_count(std::string_view text) noexcept;

}  // namespace wte::log
