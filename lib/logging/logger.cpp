#include "logging/logger.hpp"

#include <cstdio>

#include "text/utf8.hpp"

namespace wte::logging {

namespace {

// Longer values are cut (with "…"): one log line must stay one readable line.
constexpr std::size_t kMaxValueBytes = 4096;

std::string_view level_name(Level l) noexcept {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

// The escape of a character inside a quoted value, or "" when it stands for itself.
// logfmt and JSON share these (go-logfmt writes JSON's escapes).
std::string_view short_escape(char c) noexcept {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return {};
  }
}

void append_quoted(std::string& out, std::string_view safe) {
  out += '"';
  for (const char c : safe) {
    if (const auto e = short_escape(c); !e.empty()) {
      out += e;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_logfmt(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += '=';
  out += logfmt_value(value);
}

void append_json(std::string& out, std::string_view key, std::string_view value) {
  out += out.empty() ? '{' : ',';
  append_quoted(out, key);
  out += ':';
  out += json_string(value);
}

}  // namespace

std::optional<Level> level_from_name(std::string_view name) noexcept {
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warn") return Level::warn;
  if (name == "error") return Level::error;
  return std::nullopt;
}

Level parse_level(std::string_view name) noexcept {
  return level_from_name(name).value_or(Level::info);
}

std::optional<Format> format_from_name(std::string_view name) noexcept {
  if (name == "logfmt") return Format::logfmt;
  if (name == "json") return Format::json;
  return std::nullopt;
}

std::string format_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss time{ms - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return buf;
}

std::string logfmt_value(std::string_view v) {
  const std::string safe = text::bounded_utf8(v, kMaxValueBytes);
  // U+FFFD stands for bytes that were not UTF-8: quoted, as go-logfmt does.
  bool bare = !safe.empty() && safe.find("\xEF\xBF\xBD") == std::string::npos;
  for (const char c : safe) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || c == '"' || c == '=' || c == '\\' || u == 0x7F) {
      bare = false;
      break;
    }
  }
  if (bare) return safe;
  std::string out;
  append_quoted(out, safe);
  return out;
}

std::string json_string(std::string_view v) {
  std::string out;
  append_quoted(out, text::bounded_utf8(v, kMaxValueBytes));
  return out;
}

std::string caller_of(const SourceLocation& where) {
  std::string_view file = where.file;
  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  return std::string(file) + ':' + std::to_string(where.line);
}

Logger::Logger(std::ostream& out, Level min_level, Format format, Clock clock)
    : out_(out), min_(min_level), format_(format), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

void Logger::log(Level l, std::string_view msg, std::initializer_list<Field> fields,
                 SourceLocation where) {
  if (!enabled(l)) return;
  const auto append = format_ == Format::json ? append_json : append_logfmt;
  std::string line;
  append(line, "ts", format_timestamp(clock_()));
  append(line, "caller", caller_of(where));
  append(line, "level", level_name(l));
  append(line, "msg", msg);
  for (const auto& [k, v] : fields) append(line, k, v);
  if (format_ == Format::json) line += '}';
  line += '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace wte::logging
