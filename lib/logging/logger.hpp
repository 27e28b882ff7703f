#pragma once
// Log lines to a stream (stderr: journald and container runtimes collect it), one per line,
// in the Prometheus ecosystem's shape: logfmt by default
//   ts=2026-11-30T18:45:05.123Z caller=exporter.cpp:234 level=info msg=listening port=9923
// or JSON lines with the same keys ({"ts":...,"caller":...,"level":...,"msg":...}).
// Passed by reference, never global. The clock is injected so tests can fix the time.
// Callers must not pass secrets: nothing here can tell a token from any other string.
#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace wte::logging {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
enum class Format { logfmt, json };

// "debug" | "info" | "warn" | "error"; nullopt for anything else (callers reject it).
std::optional<Level> level_from_name(std::string_view name) noexcept;
// For a name already validated (the config loader and the command line accept only the
// four above); anything else is info.
Level parse_level(std::string_view name) noexcept;
// "logfmt" | "json"; nullopt for anything else.
std::optional<Format> format_from_name(std::string_view name) noexcept;
inline constexpr std::string_view kLevelNames = "debug, info, warn or error";
inline constexpr std::string_view kFormatNames = "logfmt or json";

using Field = std::pair<std::string_view, std::string_view>;

// Where a log call is, filled in at the call site by default arguments. Not
// std::source_location: clang 14 (the sanitizer and fuzzer builds) cannot compile
// libstdc++ 12's.
struct SourceLocation {
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          int line = __builtin_LINE()) noexcept {
    return {file, line};
  }
  const char* file = "";
  int line = 0;
};
using Clock = std::function<std::chrono::system_clock::time_point()>;

// RFC 3339 in UTC with milliseconds, as Prometheus logs it: 2026-11-30T18:45:05.123Z.
std::string format_timestamp(std::chrono::system_clock::time_point t);

class Logger {
 public:
  // `clock` defaults to the system clock.
  explicit Logger(std::ostream& out, Level min_level = Level::info, Format format = Format::logfmt,
                  Clock clock = {});

  // The level from the config. Ignored once override_level() was called: the command
  // line's --log.level wins over the file at every reload.
  void set_level(Level l) noexcept {
    if (!overridden_.load()) min_.store(l);
  }
  void override_level(Level l) noexcept {
    overridden_.store(true);
    min_.store(l);
  }
  bool enabled(Level l) const noexcept { return l >= min_.load(); }

  void log(Level l, std::string_view msg, std::initializer_list<Field> fields = {},
           SourceLocation where = SourceLocation::current());
  void debug(std::string_view msg, std::initializer_list<Field> f = {},
             SourceLocation where = SourceLocation::current()) {
    log(Level::debug, msg, f, where);
  }
  void info(std::string_view msg, std::initializer_list<Field> f = {},
            SourceLocation where = SourceLocation::current()) {
    log(Level::info, msg, f, where);
  }
  void warn(std::string_view msg, std::initializer_list<Field> f = {},
            SourceLocation where = SourceLocation::current()) {
    log(Level::warn, msg, f, where);
  }
  void error(std::string_view msg, std::initializer_list<Field> f = {},
             SourceLocation where = SourceLocation::current()) {
    log(Level::error, msg, f, where);
  }

 private:
  std::ostream& out_;
  std::atomic<Level> min_;
  std::atomic<bool> overridden_{false};
  Format format_;
  Clock clock_;
  std::mutex mutex_;  // a line is written whole even if two threads log
};

// A logfmt value: bare if it is a simple word, else quoted with \" \\ \n \r \t and
// \u00XX escapes, as go-logfmt writes it.
std::string logfmt_value(std::string_view v);
// A JSON string literal, quotes included.
std::string json_string(std::string_view v);
// "file.cpp:123": the file's base name, as go-kit's caller= shows it.
std::string caller_of(const SourceLocation& where);

}  // namespace wte::logging
