#include "log/event_parser.hpp"

#include <rapidjson/reader.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>

#include "log/keyword_table.hpp"

namespace wte::log {

std::optional<std::int64_t> parse_count(std::string_view text) noexcept {
  // The common case first: a plain run of digits (every line's time, most counts), read
  // without from_chars' general machinery. 18 digits cannot overflow an int64.
  if (!text.empty() && text.size() <= 18) {
    std::int64_t value = 0;
    bool digits = true;
    for (const char c : text) {
      const auto d = static_cast<unsigned>(c) - unsigned{'0'};
      digits &= d <= 9;
      value = value * 10 + static_cast<std::int64_t>(d & 15u);
    }
    if (digits) return value;
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  const char* first = text.data();
  const char* last = first + text.size();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec == std::errc() && end == last) {
    if (value < 0) return std::nullopt;
    return value;
  }
  // "5.0", "1e3": integral values written as decimals.
  double d = 0;
  auto [dend, dec] = std::from_chars(first, last, d);
  if (dec != std::errc() || dend != last || !std::isfinite(d) || d < 0 || d >= 9.2e18 ||
      d != std::floor(d)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(d);
}

namespace {

enum class Key : std::uint8_t {
  other,
  contents,
  action,
  queue,
  item,
  item_type,
  time,
  msg,
  size,
  warnings,
  skipped_items,
  dangerous_items,
  altered_items,
  failure,
};
constexpr std::size_t kKeyCount = static_cast<std::size_t>(Key::failure) + 1;

constexpr KeywordTable<Key, 13> kKeys({{
    {"contents", Key::contents},
    {"action", Key::action},
    {"queue", Key::queue},
    {"item", Key::item},
    {"item_type", Key::item_type},
    {"time", Key::time},
    {"msg", Key::msg},
    {"size", Key::size},
    {"warnings", Key::warnings},
    {"skipped_items", Key::skipped_items},
    {"dangerous_items", Key::dangerous_items},
    {"altered_items", Key::altered_items},
    {"failure", Key::failure},
}});

// Where in the line we are: only the parts we read get a frame; everything else is
// skipped by depth counting, so deep nesting costs no memory.
enum class Frame : std::uint8_t { top, contents, msg, msg_contents, text_list, text_entry };
constexpr std::size_t kFrameCount = static_cast<std::size_t>(Frame::text_entry) + 1;

// Where a string or number value goes, by frame and key: to the slot of its own key if
// it is one we read there, else to the slot of Key::other, which nothing reads. One table
// lookup per value instead of nested switches: the values of a line come in any key
// order, so switches on them mispredict, and that used to cost more than the tokenizing.
using SlotTable = std::array<std::array<std::array<Key, kKeyCount>, kFrameCount>, 2>;

consteval SlotTable make_slot_table() {
  SlotTable t{};  // all Key::other
  for (std::size_t is_string = 0; is_string < 2; ++is_string) {
    auto keep = [&](Frame f, Key k) {
      t[is_string][static_cast<std::size_t>(f)][static_cast<std::size_t>(k)] = k;
    };
    if (is_string) keep(Frame::contents, Key::action);  // a number is no action
    for (Key k : {Key::queue, Key::item, Key::item_type, Key::time, Key::msg}) {
      keep(Frame::contents, k);
    }
    for (Key k : {Key::size, Key::warnings, Key::skipped_items, Key::dangerous_items,
                  Key::altered_items, Key::failure}) {
      keep(Frame::msg, k);
    }
  }
  return t;
}
constexpr SlotTable kSlotOf = make_slot_table();

struct FrameState {
  Frame frame;
  bool dangerous = false;  // text_list/text_entry: which list
  bool taken = false;      // text_entry: its message string was already taken
};

class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
 public:
  // Points the handler at the event to fill for the next line.
  void reset(LogEvent& event) noexcept {
    event_ = &event;
    depth_ = 0;
    skip_depth_ = 0;
    key_ = Key::other;
    present_ = 0;
    msg_kind_ = MsgKind::absent;
  }

  // After a successful parse: the event from the values the line held (last one wins).
  // False if it had no string `action` in `contents`.
  bool finish() const {
    LogEvent& e = *event_;
    e.msg_kind = msg_kind_;
    if (msg_kind_ == MsgKind::scalar) e.msg_scalar = value_of(Key::msg);
    e.queue = text(Key::queue);
    e.item = text(Key::item);
    e.item_type = text(Key::item_type);
    e.time = count(Key::time);
    // Counts and the failure text are read only inside an object `msg` (kSlotOf): one
    // test for the lines that have none, instead of one per field.
    if (msg_kind_ == MsgKind::object) {
      e.counts.size = count(Key::size);
      e.counts.warnings = count(Key::warnings);
      e.counts.skipped_items = count(Key::skipped_items);
      e.counts.dangerous_items = count(Key::dangerous_items);
      e.counts.altered_items = count(Key::altered_items);
      e.failure = text(Key::failure);
    }
    if (!has(Key::action)) return false;
    e.action = value_of(Key::action);
    return true;
  }

  bool Default() {  // a boolean: present, but not text
    if (skip_depth_ > 0) return true;
    if (depth_ == 0) return false;  // the line is not an object
    if (back().frame == Frame::contents && key_ == Key::msg) msg_kind_ = MsgKind::other;
    return true;
  }
  bool Null() {
    if (skip_depth_ == 0 && depth_ > 0 && back().frame == Frame::contents && key_ == Key::msg) {
      msg_kind_ = MsgKind::null;
    }
    return true;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return value({s, n}, false); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return value({s, n}, true); }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (skip_depth_ == 0) key_ = kKeys.find_padded({s, n}, Key::other);
    return true;
  }

  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  // (`enum Key`: inside the handler, Key() is also RapidJSON's callback.)
  static constexpr std::size_t index(enum Key k) noexcept { return static_cast<std::size_t>(k); }
  std::string_view value_of(enum Key k) const noexcept { return values_[index(k)]; }
  bool has(enum Key k) const noexcept { return (present_ >> index(k)) & 1u; }
  std::optional<std::string_view> text(enum Key k) const {
    return has(k) ? std::optional(value_of(k)) : std::nullopt;
  }
  std::optional<std::int64_t> count(enum Key k) const {
    return has(k) ? parse_count(value_of(k)) : std::nullopt;
  }

  bool value(std::string_view text, bool is_string) {
    if (skip_depth_ > 0) return true;
    if (depth_ == 0) return false;  // the line is not an object
    FrameState& f = back();
    if (f.frame >= Frame::text_list) {
      list_value(f, text);
      return true;
    }
    const enum Key slot = kSlotOf[is_string][static_cast<std::size_t>(f.frame)][index(key_)];
    values_[index(slot)] = text;
    present_ |= 1u << index(slot);
    msg_kind_ = slot == Key::msg ? MsgKind::scalar : msg_kind_;
    return true;
  }

  // A text of a dangerous or altered item: a string in the list, or the first string of an
  // entry that is itself a list.
  void list_value(FrameState& f, std::string_view text) {
    if (f.frame == Frame::text_entry) {
      if (f.taken) return;
      f.taken = true;
    }
    auto& list = f.dangerous ? event_->dangerous_texts : event_->altered_texts;
    if (list.size() < EventParser::kMaxTextsPerLine) list.push_back(text);
  }

  bool open(bool object) {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return true;
    }
    if (depth_ == 0) {
      if (!object) return false;  // the line is not an object
      push({Frame::top});
      return true;
    }
    const FrameState f = back();
    const enum Key k = key_;
    key_ = Key::other;
    if (f.frame == Frame::top && k == Key::contents && object) {
      push({Frame::contents});
    } else if (f.frame == Frame::contents && k == Key::msg) {
      msg_kind_ = object ? MsgKind::object : MsgKind::other;
      if (object)
        push({Frame::msg});
      else
        skip_depth_ = 1;
    } else if (f.frame == Frame::msg && k == Key::contents && object) {
      push({Frame::msg_contents});
    } else if (f.frame == Frame::msg_contents && !object &&
               (k == Key::dangerous_items || k == Key::altered_items)) {
      push({Frame::text_list, k == Key::dangerous_items});
    } else if (f.frame == Frame::text_list && !object) {
      push({Frame::text_entry, f.dangerous});
    } else {
      skip_depth_ = 1;
    }
    return true;
  }

  bool close() {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    --depth_;
    key_ = Key::other;
    return true;
  }

  // Only six frames are meaningful (top .. text_entry); deeper parts are skipped.
  static constexpr std::size_t kMaxFrames = 8;

  FrameState& back() noexcept { return frames_[depth_ - 1]; }
  void push(FrameState f) noexcept { frames_[depth_++] = f; }

  LogEvent* event_ = nullptr;
  std::array<FrameState, kMaxFrames> frames_{};
  std::size_t depth_ = 0;
  std::size_t skip_depth_ = 0;
  enum Key key_ = Key::other;
  std::array<std::string_view, kKeyCount> values_{};  // by Key
  std::uint32_t present_ = 0;                         // bit per Key: a value was seen
  MsgKind msg_kind_ = MsgKind::absent;
};

constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
// The recursive parser is faster, but a line of a million '[' would overflow the stack:
// lines longer than this are parsed iteratively (their depth is bounded by their length).
constexpr std::size_t kRecursiveMaxBytes = 4096;
constexpr std::size_t kPadding = 16;

}  // namespace

struct EventParser::Impl {
  rapidjson::Reader reader;  // kept: its stack is reused from line to line
  Handler handler;
};

EventParser::EventParser() : impl_(std::make_unique<Impl>()) {}
EventParser::~EventParser() = default;
EventParser::EventParser(EventParser&&) noexcept = default;
EventParser& EventParser::operator=(EventParser&&) noexcept = default;

bool EventParser::parse(std::string_view line) {
  event_.clear();
  // Reuses capacity. The NULs after the line end RapidJSON's input and let the key lookup
  // read 16 bytes from any key (KeywordTable::find_padded).
  buffer_.assign(line);
  buffer_.append(kPadding, '\0');
  impl_->handler.reset(event_);
  rapidjson::InsituStringStream stream(buffer_.data());
  const bool ok =
      line.size() <= kRecursiveMaxBytes
          ? !impl_->reader.Parse<kFlags>(stream, impl_->handler).IsError()
          : !impl_->reader.Parse<kFlags | rapidjson::kParseIterativeFlag>(stream, impl_->handler)
                 .IsError();
  // A NUL byte inside the line would end RapidJSON's input early: such a line is malformed.
  return ok && stream.Tell() == line.size() && impl_->handler.finish();
}

}  // namespace wte::log
