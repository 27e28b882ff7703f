#pragma once
// Parsing JSON that comes from outside (a WHM server, an API client, a state file) with
// bounded stack and memory. RapidJSON's default parser recurses once per nesting level, so
// 150,000 nested arrays (300 KB, far under any size limit) overflow the stack and kill the
// process. Here the iterative parser keeps its state on the heap (constant stack), and a
// depth limit refuses a document nested deeper than any we read before that state grows.
// Header-only: every user already links RapidJSON (wte_rapidjson).
#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace wte::text {

// The documents we read are a few levels deep (the sessions API: 5); this is far above them
// and far below anything that costs memory.
inline constexpr unsigned kMaxJsonDepth = 64;

struct BoundedParse {
  rapidjson::ParseResult result;
  bool too_deep = false;  // stopped at the depth limit

  bool ok() const noexcept { return !result.IsError(); }
  std::size_t offset() const noexcept { return result.Offset(); }
  // "nested deeper than 64 levels" or RapidJSON's words; never quotes the input.
  std::string message(unsigned max_depth = kMaxJsonDepth) const {
    if (too_deep) return "nested deeper than " + std::to_string(max_depth) + " levels";
    return rapidjson::GetParseError_En(result.Code());
  }
};

namespace detail {

// Forwards every SAX event to `inner` (a Document), refusing to open a level past the limit.
template <class Inner>
class DepthLimitedHandler {
 public:
  using Ch = char;
  DepthLimitedHandler(Inner& inner, unsigned max_depth) : inner_(inner), max_depth_(max_depth) {}

  bool Null() { return inner_.Null(); }
  bool Bool(bool b) { return inner_.Bool(b); }
  bool Int(int i) { return inner_.Int(i); }
  bool Uint(unsigned u) { return inner_.Uint(u); }
  bool Int64(std::int64_t i) { return inner_.Int64(i); }
  bool Uint64(std::uint64_t u) { return inner_.Uint64(u); }
  bool Double(double d) { return inner_.Double(d); }
  bool RawNumber(const Ch* s, rapidjson::SizeType n, bool copy) {
    return inner_.RawNumber(s, n, copy);
  }
  bool String(const Ch* s, rapidjson::SizeType n, bool copy) { return inner_.String(s, n, copy); }
  bool Key(const Ch* s, rapidjson::SizeType n, bool copy) { return inner_.Key(s, n, copy); }
  bool StartObject() { return enter() && inner_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return inner_.EndObject(members);
  }
  bool StartArray() { return enter() && inner_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return inner_.EndArray(elements);
  }

  bool too_deep() const noexcept { return too_deep_; }

 private:
  bool enter() {
    if (depth_ >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    ++depth_;
    return true;
  }

  Inner& inner_;
  unsigned max_depth_;
  unsigned depth_ = 0;
  bool too_deep_ = false;
};

template <unsigned kFlags, class Stream>
struct BoundedGenerator {
  Stream& stream;
  unsigned max_depth;
  BoundedParse outcome{};

  bool operator()(rapidjson::Document& doc) {
    DepthLimitedHandler<rapidjson::Document> handler(doc, max_depth);
    rapidjson::Reader reader;
    outcome.result = reader.Parse<kFlags | rapidjson::kParseIterativeFlag>(stream, handler);
    outcome.too_deep = handler.too_deep();
    return outcome.ok();
  }
};

}  // namespace detail

// Parses `stream` into `doc` (null on failure) with the RapidJSON `kFlags` given (e.g.
// kParseInsituFlag), iteratively and at most `max_depth` levels deep.
template <unsigned kFlags = rapidjson::kParseDefaultFlags, class Stream>
BoundedParse parse_json_stream(rapidjson::Document& doc, Stream& stream,
                               unsigned max_depth = kMaxJsonDepth) {
  detail::BoundedGenerator<kFlags, Stream> generator{stream, max_depth};
  doc.Populate(generator);
  if (!generator.outcome.ok()) doc.SetNull();
  return generator.outcome;
}

// The same for a buffer that need not end in NUL.
inline BoundedParse parse_json(rapidjson::Document& doc, const char* data, std::size_t size,
                               unsigned max_depth = kMaxJsonDepth) {
  rapidjson::MemoryStream memory(data, size);
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
  return parse_json_stream(doc, stream, max_depth);
}

}  // namespace wte::text
