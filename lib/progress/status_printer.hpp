#pragma once
// Shows `progress` to a person or a script. With --follow: the status block, redrawn in
// place on a terminal (wrapped to its width, which is read again at each redraw, and cut to
// its height, so the cursor goes back up exactly the rows drawn) or printed again when it
// changed otherwise; failed and dangerous items are printed above it as they happen, once
// each. At the end, or without --follow: the report. Colour only on a terminal that wants it.
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "log/session_model.hpp"
#include "progress/item_problems.hpp"
#include "progress/progress_report.hpp"

namespace wte::progress {

struct TerminalSize {
  std::size_t columns = 80;
  std::size_t rows = 24;
  bool operator==(const TerminalSize&) const = default;
};

struct Display {
  bool terminal = false;  // redraw in place; else plain lines, no escape sequence at all
  bool colour = false;
  int fd = -1;              // asked for its size (TIOCGWINSZ) at each redraw when >= 0
  TerminalSize fallback{};  // when there is no fd, or it does not say
};

// The display for an output: redrawn when it is a terminal and TERM is not "dumb"; in colour
// then, unless NO_COLOR is set and not empty (https://no-color.org). The environment
// values are passed in (nullptr when unset).
Display make_display(int fd, bool is_terminal, const char* term, const char* no_color);

// The terminal's size now (TIOCGWINSZ on display.fd), else display.fallback.
TerminalSize terminal_size(const Display& display);

// What --follow redraws: the report's status (header and queues) and the items in flight.
std::string follow_block(const log::SessionModel& model, std::size_t bar_width = 30);

class StatusPrinter {
 public:
  StatusPrinter(std::ostream& out, Display display) : out_(out), display_(display) {}

  // New problems above, then the block, when anything changed (or the terminal's size did).
  void show(const log::SessionModel& model);
  // The end: after show() the final block and, with options.items, the item list (the
  // problems were printed as they happened); else the whole report.
  void finish(const log::SessionModel& model, const ReportOptions& options);

 private:
  void show_plain(const std::string& events, const std::string& block,
                  const log::SessionModel& model);
  void redraw(const std::string& events, const std::string& block, const log::SessionModel& model,
              TerminalSize size);
  std::size_t rows_on_screen(std::size_t columns) const;
  void print_lines(const std::string& text, const log::SessionModel& model);

  std::ostream& out_;
  Display display_;
  ProblemFeed problems_;
  bool shown_ = false;
  std::string last_block_;
  TerminalSize last_size_;
  std::size_t drawn_rows_ = 0;  // the block's rows on screen, at last_size_
};

}  // namespace wte::progress
