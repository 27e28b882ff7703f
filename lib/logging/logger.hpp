#pragma once
// Log lines in logfmt (`level=warn msg="..." host=whm1`), one per line, to a stream
// (stderr: journald and container runtimes collect it). Passed by reference, never global.
// Callers must not pass secrets: nothing here can tell a token from any other string.
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace wte::logging {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
// "debug" | "info" | "warn" | "error"; anything else is info.
Level parse_level(std::string_view name) noexcept;

using Field = std::pair<std::string_view, std::string_view>;

class Logger {
 public:
  explicit Logger(std::ostream& out, Level min_level = Level::info) : out_(out), min_(min_level) {}

  void set_level(Level l) noexcept { min_ = l; }
  bool enabled(Level l) const noexcept { return l >= min_; }

  void log(Level l, std::string_view msg, std::initializer_list<Field> fields = {});
  void debug(std::string_view msg, std::initializer_list<Field> f = {}) {
    log(Level::debug, msg, f);
  }
  void info(std::string_view msg, std::initializer_list<Field> f = {}) { log(Level::info, msg, f); }
  void warn(std::string_view msg, std::initializer_list<Field> f = {}) { log(Level::warn, msg, f); }
  void error(std::string_view msg, std::initializer_list<Field> f = {}) {
    log(Level::error, msg, f);
  }

 private:
  std::ostream& out_;
  Level min_;
  std::mutex mutex_;  // a line is written whole even if two threads log
};

// A logfmt value: bare if it is a simple word, else quoted with \" \\ \n escaped.
std::string logfmt_value(std::string_view v);

}  // namespace wte::logging
