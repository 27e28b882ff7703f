#pragma once
// Decodes one line of a master log into a LogEvent with RapidJSON's SAX reader, in situ:
// no DOM, no allocation per line once the buffers are warm.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "log/log_event.hpp"

namespace wte::log {

class EventParser {
 public:
  EventParser();
  ~EventParser();
  EventParser(EventParser&&) noexcept;
  EventParser& operator=(EventParser&&) noexcept;

  // How many texts of dangerous/altered items one line may contribute; the rest are dropped.
  static constexpr std::size_t kMaxTextsPerLine = 64;

  // Parses `line` (without its line terminator). Returns true and fills `event()` if the
  // line is a JSON object whose `contents` is an object holding a string `action`;
  // false if the line is malformed (docs/LOG-FORMAT.md section 4).
  bool parse(std::string_view line);

  const LogEvent& event() const noexcept { return event_; }

 private:
  struct Impl;
  std::string buffer_;  // a NUL-terminated copy of the line, decoded in place
  LogEvent event_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wte::log
