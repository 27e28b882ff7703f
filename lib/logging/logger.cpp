#include "logging/logger.hpp"

#include "text/escape.hpp"
#include "text/utf8.hpp"

namespace wte::logging {

Level parse_level(std::string_view name) noexcept {
  if (name == "debug") return Level::debug;
  if (name == "warn") return Level::warn;
  if (name == "error") return Level::error;
  return Level::info;
}

namespace {
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
}  // namespace

std::string logfmt_value(std::string_view v) {
  const std::string safe = text::bounded_utf8(v, 4096);
  bool bare = !safe.empty();
  for (const char c : safe) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7F) {
      bare = false;
      break;
    }
  }
  if (bare) return safe;
  std::string out = "\"";
  for (const char c : text::printable(safe)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void Logger::log(Level l, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(l)) return;
  std::string line = "level=";
  line += level_name(l);
  line += " msg=" + logfmt_value(msg);
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    line += logfmt_value(v);
  }
  line += '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace wte::logging
