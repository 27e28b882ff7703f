#include "progress/status_printer.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <string_view>
#include <utility>

#include "log/session_state.hpp"
#include "progress/terminal_text.hpp"

namespace wte::progress {

namespace {

constexpr std::size_t kMaxInFlightNames = 8;

// "In flight TRANSFER bob, carol; RESTORE alice (and 3 more)": the items started and not
// finished, by queue in order of appearance.
std::string in_flight_line(const log::SessionModel& model) {
  std::vector<std::pair<std::string_view, std::string>> by_queue;
  std::size_t shown = 0, more = 0;
  for (const auto& item : model.items()) {
    if (item.finished()) continue;
    if (shown == kMaxInFlightNames) {
      ++more;
      continue;
    }
    auto it = std::find_if(by_queue.begin(), by_queue.end(),
                           [&](const auto& q) { return q.first == item.queue; });
    if (it == by_queue.end()) it = by_queue.insert(by_queue.end(), {item.queue, {}});
    if (!it->second.empty()) it->second += ", ";
    it->second += terminal_safe(item.name);
    ++shown;
  }
  if (by_queue.empty()) return "";
  std::string line = "In flight ";
  for (std::size_t i = 0; i < by_queue.size(); ++i) {
    if (i > 0) line += "; ";
    line += terminal_safe(by_queue[i].first) + " " + by_queue[i].second;
  }
  if (more > 0) line += " (and " + std::to_string(more) + " more)";
  return line + "\n";
}

bool has_failures(const log::SessionModel& model) {
  return std::any_of(model.queues().begin(), model.queues().end(),
                     [](const log::Queue& q) { return q.counts.items_failed > 0; });
}

std::size_t bar_width_for(std::size_t columns) {
  return std::clamp<std::size_t>(columns > 50 ? columns - 50 : 0, 10, 30);
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// Text as rows of at most `columns - 1` columns (never the last column: terminals differ on
// what the cursor does there).
std::vector<std::string> layout(const std::string& text, std::size_t columns, bool colour,
                                HighlightContext context) {
  const std::size_t width = std::max<std::size_t>(columns, 2) - 1;
  const std::size_t indent = width >= 40 ? 10 : 2;  // under the text after the 10-column labels
  std::vector<std::string> rows;
  for_each_line(text, [&](std::string_view line) {
    const std::string safe = terminal_safe(line);
    const auto spans = highlight(safe, context);
    for (const Row& r : wrap(safe, width, indent))
      rows.push_back(styled_row(safe, r, spans, colour));
  });
  return rows;
}

// At most `rows - 1` rows, the last saying how many more there were: a block taller than
// the screen would scroll part of itself away, where it could not be redrawn.
void cut_to_height(std::vector<std::string>& rows, TerminalSize size) {
  const std::size_t max_rows = std::max<std::size_t>(size.rows, 2) - 1;
  if (rows.size() <= max_rows) return;
  const std::size_t hidden = rows.size() - max_rows + 1;
  rows.resize(max_rows - 1);
  std::string more = "… " + std::to_string(hidden) + " more rows";
  if (display_width(more) + 1 > size.columns) more = "…";
  rows.push_back(std::move(more));
}

}  // namespace

Display make_display(int fd, bool is_terminal, const char* term, const char* no_color) {
  Display d;
  d.fd = fd;
  d.terminal = is_terminal && !(term && std::string_view(term) == "dumb");
  d.colour = d.terminal && !(no_color && *no_color != '\0');
  return d;
}

TerminalSize terminal_size(const Display& display) {
  TerminalSize size = display.fallback;
  struct winsize ws {};
  if (display.fd >= 0 && ::ioctl(display.fd, TIOCGWINSZ, &ws) == 0) {
    if (ws.ws_col > 0) size.columns = ws.ws_col;
    if (ws.ws_row > 0) size.rows = ws.ws_row;
  }
  return size;
}

std::string follow_block(const log::SessionModel& model, std::size_t bar_width) {
  std::string block = render_status(model, bar_width);
  if (!log::is_final_state(model.info().state)) block += in_flight_line(model);
  return block;
}

void StatusPrinter::show(const log::SessionModel& model) {
  const std::string events = problems_.new_events(model);
  if (!display_.terminal) return show_plain(events, follow_block(model), model);
  const TerminalSize size = terminal_size(display_);
  const std::string block = follow_block(model, bar_width_for(size.columns));
  if (shown_ && events.empty() && block == last_block_ && size == last_size_) return;
  redraw(events, block, model, size);
}

void StatusPrinter::show_plain(const std::string& events, const std::string& block,
                               const log::SessionModel& model) {
  out_ << events;
  if (!shown_ || block != last_block_) print_lines(block + "\n", model);
  shown_ = true;
  last_block_ = block;
  out_ << std::flush;
}

// The rows the block takes on screen now. At the width it was drawn at, the rows drawn.
// After the terminal was made narrower, a terminal that re-wraps its lines (tmux, VTE,
// kitty) may split each row in several, counting as used every cell ever written on it
// (tmux does, erased ones too): so as many as the old width needs, an upper bound. Going up
// too far only erases some of the problems printed above; too little would leave a copy.
std::size_t StatusPrinter::rows_on_screen(std::size_t columns) const {
  const std::size_t drawn = drawn_rows_;
  if (columns == 0 || columns >= last_size_.columns) return drawn;
  return drawn * ((last_size_.columns + columns - 1) / columns);
}

// Goes back up to the block's first row and writes over it: each row erased to its end
// after it is written, what is left below erased at the end. Never an erase of the whole
// screen (tmux would scroll it into the history, copies of the block included).
void StatusPrinter::redraw(const std::string& events, const std::string& block,
                           const log::SessionModel& model, TerminalSize size) {
  const HighlightContext context{has_failures(model)};
  std::string frame = "\r";
  const std::size_t up = rows_on_screen(size.columns);
  if (up > 0) frame += "\033[" + std::to_string(up) + "A";
  for (const std::string& row : layout(events, size.columns, display_.colour, context))
    frame += row + "\033[K\n";
  auto rows = layout(block, size.columns, display_.colour, context);
  cut_to_height(rows, size);
  for (const std::string& row : rows) frame += row + "\033[K\n";
  drawn_rows_ = rows.size();
  if (up > 0) frame += "\033[J";
  out_ << frame << std::flush;
  shown_ = true;
  last_block_ = block;
  last_size_ = size;
}

void StatusPrinter::print_lines(const std::string& text, const log::SessionModel& model) {
  const HighlightContext context{has_failures(model)};
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    const std::string safe = terminal_safe(line);
    out += styled_line(safe, highlight(safe, context), display_.colour) + "\n";
  });
  out_ << out << std::flush;
}

void StatusPrinter::finish(const log::SessionModel& model, const ReportOptions& options) {
  const std::string status = render_status(model, options.bar_width);
  ReportOptions items_only = options;
  items_only.details = false;
  const std::string items =
      options.items ? render_report(model, items_only).substr(status.size()) : std::string();
  if (shown_) {
    show(model);
    print_lines(items, model);
    return;
  }
  print_lines(status + (options.details ? problem_details(model) : std::string()) + items, model);
}

}  // namespace wte::progress
