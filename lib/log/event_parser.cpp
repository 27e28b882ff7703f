#include "log/event_parser.hpp"

#include <rapidjson/reader.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>

namespace wte::log {

std::optional<std::int64_t> parse_count(std::string_view text) noexcept {
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
  failure
};

Key key_of(std::string_view k) noexcept {
  switch (k.size()) {
    case 3:
      return k == "msg" ? Key::msg : Key::other;
    case 4:
      if (k == "item") return Key::item;
      if (k == "time") return Key::time;
      if (k == "size") return Key::size;
      return Key::other;
    case 5:
      return k == "queue" ? Key::queue : Key::other;
    case 6:
      return k == "action" ? Key::action : Key::other;
    case 7:
      return k == "failure" ? Key::failure : Key::other;
    case 8:
      if (k == "contents") return Key::contents;
      if (k == "warnings") return Key::warnings;
      return Key::other;
    case 9:
      return k == "item_type" ? Key::item_type : Key::other;
    case 13:
      if (k == "skipped_items") return Key::skipped_items;
      if (k == "altered_items") return Key::altered_items;
      return Key::other;
    case 15:
      return k == "dangerous_items" ? Key::dangerous_items : Key::other;
    default:
      return Key::other;
  }
}

// Where in the line we are: only the parts we read get a frame; everything else is
// skipped by depth counting, so deep nesting costs no memory.
enum class Frame : std::uint8_t { top, contents, msg, msg_contents, text_list, text_entry };

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
    has_action_ = false;
  }

  bool has_action() const noexcept { return has_action_; }

  bool Default() { return scalar({}, false); }  // bool values: present but not text
  bool Null() { return null_value(); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    string_ = false;
    return scalar({s, n}, true);
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    string_ = true;
    return scalar({s, n}, true);
  }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (skip_depth_ == 0) key_ = key_of({s, n});
    return true;
  }

  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  void add_text(std::string_view text, bool dangerous) {
    auto& list = dangerous ? event_->dangerous_texts : event_->altered_texts;
    if (list.size() < EventParser::kMaxTextsPerLine) list.push_back(text);
  }

  std::optional<std::int64_t>* count_field(enum Key k) noexcept {
    switch (k) {
      case Key::size:
        return &event_->counts.size;
      case Key::warnings:
        return &event_->counts.warnings;
      case Key::skipped_items:
        return &event_->counts.skipped_items;
      case Key::dangerous_items:
        return &event_->counts.dangerous_items;
      case Key::altered_items:
        return &event_->counts.altered_items;
      default:
        return nullptr;
    }
  }

  bool null_value() {
    if (skip_depth_ == 0 && !frames_empty() && back().frame == Frame::contents &&
        key_ == Key::msg) {
      event_->msg_kind = MsgKind::null;
    }
    return true;
  }

  // A string, a number literal, or (is_text false) a boolean.
  bool scalar(std::string_view text, bool is_text) {
    if (skip_depth_ > 0) return true;
    if (frames_empty()) return false;  // the line is not an object
    FrameState& f = back();
    switch (f.frame) {
      case Frame::contents:
        contents_value(text, is_text);
        break;
      case Frame::msg:
        if (!is_text) break;
        if (auto* field = count_field(key_)) {
          *field = parse_count(text);
        } else if (key_ == Key::failure) {
          event_->failure = text;
        }
        break;
      case Frame::text_list:
        if (is_text) add_text(text, f.dangerous);
        break;
      case Frame::text_entry:
        if (is_text && !f.taken) {
          f.taken = true;
          add_text(text, f.dangerous);
        }
        break;
      default:
        break;
    }
    return true;
  }

  void contents_value(std::string_view text, bool is_text) {
    switch (key_) {
      case Key::action:
        if (is_text && string_) {  // a malformed line unless action is a string
          event_->action = text;
          has_action_ = true;
        }
        break;
      case Key::queue:
        if (is_text) event_->queue = text;
        break;
      case Key::item:
        if (is_text) event_->item = text;
        break;
      case Key::item_type:
        if (is_text) event_->item_type = text;
        break;
      case Key::time:
        if (is_text) event_->time = parse_count(text);
        break;
      case Key::msg:
        event_->msg_kind = is_text ? MsgKind::scalar : MsgKind::other;
        if (is_text) event_->msg_scalar = text;
        break;
      default:
        break;
    }
  }

  bool open(bool object) {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return true;
    }
    if (frames_empty()) {
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
      event_->msg_kind = object ? MsgKind::object : MsgKind::other;
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

  bool frames_empty() const noexcept { return depth_ == 0; }
  FrameState& back() noexcept { return frames_[depth_ - 1]; }
  void push(FrameState f) noexcept { frames_[depth_++] = f; }

  LogEvent* event_ = nullptr;
  std::array<FrameState, kMaxFrames> frames_{};
  std::size_t depth_ = 0;
  std::size_t skip_depth_ = 0;
  enum Key key_ = Key::other;
  bool has_action_ = false;
  bool string_ = false;  // the current text value was a JSON string, not a number literal
};

constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
// The recursive parser is faster, but a line of a million '[' would overflow the stack:
// lines longer than this are parsed iteratively (their depth is bounded by their length).
constexpr std::size_t kRecursiveMaxBytes = 4096;

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
  buffer_.assign(line);  // reuses capacity; c_str() gives the NUL RapidJSON needs
  impl_->handler.reset(event_);
  rapidjson::InsituStringStream stream(buffer_.data());
  const bool ok =
      line.size() <= kRecursiveMaxBytes
          ? !impl_->reader.Parse<kFlags>(stream, impl_->handler).IsError()
          : !impl_->reader.Parse<kFlags | rapidjson::kParseIterativeFlag>(stream, impl_->handler)
                 .IsError();
  // A NUL byte inside the line would end RapidJSON's input early: such a line is malformed.
  return ok && impl_->handler.has_action() && stream.Tell() == line.size();
}

}  // namespace wte::log
