#pragma once
// The few helpers every JSON document we write uses with RapidJSON's SAX writer: a key, a
// string, a value or null. Header-only: every user already links RapidJSON (wte_rapidjson).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "text/utf8.hpp"

namespace wte::text::json {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

// Host names, ids and error messages come from the config and from servers: a string that
// is not valid UTF-8 is repaired here, so that the document always is.
inline void str(Writer& w, std::string_view s) {
  if (is_valid_utf8(s)) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return;
  }
  std::string repaired;
  append_valid_utf8(repaired, s);
  w.String(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size()));
}

inline void int_field(Writer& w, std::string_view k, std::int64_t v) {
  key(w, k);
  w.Int64(v);
}

inline void opt_str(Writer& w, std::string_view k, const std::optional<std::string>& v) {
  key(w, k);
  if (v)
    str(w, *v);
  else
    w.Null();
}

inline void opt_int(Writer& w, std::string_view k, std::optional<std::int64_t> v) {
  key(w, k);
  if (v)
    w.Int64(*v);
  else
    w.Null();
}

// A number, or null when unknown (or not finite: JSON has no NaN).
inline void opt_number(Writer& w, std::string_view k, std::optional<double> v) {
  key(w, k);
  if (v && std::isfinite(*v))
    w.Double(*v);
  else
    w.Null();
}

}  // namespace wte::text::json
