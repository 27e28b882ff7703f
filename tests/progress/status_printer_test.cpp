#include "progress/status_printer.hpp"

#include <doctest/doctest.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "log/master_log.hpp"
#include "progress/terminal_text.hpp"
#include "support/test_files.hpp"

using namespace wte::progress;

namespace {

// Enough of a VT100 for what StatusPrinter writes: text with auto-wrap (the cursor waits in
// the last column until the next character), CR, LF (as a terminal's onlcr makes it, CR LF),
// cursor up (CUU), erase to the end of the line (EL) and of the screen (ED); SGR is ignored.
// Rows that scroll off the top go to the history.
class Screen {
 public:
  Screen(std::size_t columns, std::size_t rows) : columns_(columns), grid_(rows, blank()) {}

  void write(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const char c = bytes[i];
      if (c == '\033' && i + 1 < bytes.size() && bytes[i + 1] == '[') {
        std::size_t j = i + 2;
        std::size_t n = 0;
        while (j < bytes.size() &&
               (std::isdigit(static_cast<unsigned char>(bytes[j])) || bytes[j] == ';')) {
          if (bytes[j] != ';') n = n * 10 + static_cast<std::size_t>(bytes[j] - '0');
          ++j;
        }
        control(bytes[j], n);
        i = j;
      } else if (c == '\r') {
        x_ = 0;
        wrap_pending_ = false;
      } else if (c == '\n') {
        x_ = 0;
        line_feed();
      } else if ((static_cast<unsigned char>(c) & 0xC0u) == 0x80u) {
        last_cell_->push_back(c);  // the rest of a UTF-8 character
      } else {
        put(c);
      }
    }
  }

  // The visible rows; the history above them and the visible rows. Trailing blanks cut.
  std::vector<std::string> screen() const { return text_of(grid_); }
  std::vector<std::string> everything() const {
    auto all = history_;
    all.insert(all.end(), grid_.begin(), grid_.end());
    return text_of(all);
  }
  // As xterm does: rows are cut, never re-wrapped.
  void resize(std::size_t columns) {
    columns_ = columns;
    for (auto& row : grid_) row.resize(columns, " ");
    x_ = std::min(x_, columns - 1);
    wrap_pending_ = false;
  }

 private:
  using Cells = std::vector<std::string>;
  Cells blank() const { return Cells(columns_, " "); }
  static std::vector<std::string> text_of(const std::vector<Cells>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) {
      std::string t;
      for (const auto& cell : row) t += cell;
      t.erase(t.find_last_not_of(' ') + 1);
      out.push_back(t);
    }
    while (!out.empty() && out.back().empty()) out.pop_back();
    return out;
  }
  void control(char final, std::size_t n) {
    wrap_pending_ = false;
    if (final == 'A') y_ -= std::min(y_, std::max<std::size_t>(n, 1));
    if (final == 'K' || final == 'J')
      std::fill(grid_[y_].begin() + static_cast<long>(x_), grid_[y_].end(), " ");
    if (final == 'J')
      for (std::size_t r = y_ + 1; r < grid_.size(); ++r) grid_[r] = blank();
  }
  void line_feed() {
    wrap_pending_ = false;
    if (y_ + 1 < grid_.size()) {
      ++y_;
      return;
    }
    history_.push_back(grid_.front());
    grid_.erase(grid_.begin());
    grid_.push_back(blank());
  }
  void put(char c) {
    if (wrap_pending_) {
      x_ = 0;
      line_feed();
    }
    last_cell_ = &grid_[y_][x_];
    *last_cell_ = std::string(1, c);
    if (x_ + 1 == columns_)
      wrap_pending_ = true;
    else
      ++x_;
  }

  std::size_t columns_;
  std::vector<Cells> grid_;
  std::vector<Cells> history_;
  std::string* last_cell_ = nullptr;
  std::size_t x_ = 0, y_ = 0;
  bool wrap_pending_ = false;
};

std::string line(const std::string& contents) {
  return R"({"type":"control","contents":{"child_number":1,)" + contents + "}}\n";
}

std::string header(int accounts) {
  std::string out = line(R"("action":"start")");
  out += line(R"("action":"initiator","msg":"copyacct-initiated-by-the-admin-of-this-server")");
  out +=
      line(R"("action":"remotehost","msg":"a-source-server-with-a-long-name.hosting.example.net")");
  for (const char* q : {"TRANSFER", "RESTORE"}) {
    out += line(std::string(R"("action":"queue_count","queue":")") + q + R"(","msg":)" +
                std::to_string(accounts));
    out += line(std::string(R"("action":"queue_size","queue":")") + q + R"(","msg":)" +
                std::to_string(accounts * 1000000000LL));
  }
  return out;
}

// Account i through both queues; every 10th fails with a text of two lines.
std::string account(int i) {
  const std::string name = "user" + std::to_string(i);
  std::string out;
  for (const char* q : {"TRANSFER", "RESTORE"}) {
    const std::string item = std::string(R"("queue":")") + q + R"(","item":")" + name + "\",";
    out += line(item + R"("action":"start-item","msg":{"size":1000000000})");
    if (i % 10 == 3)
      out += line(item + R"("action":"failed-item","msg":{"failure":"rsync failed\nexit 23"})");
    else
      out += line(item + R"("action":"success-item","msg":{})");
  }
  return out;
}

std::size_t count_starting(const std::vector<std::string>& rows, std::string_view prefix) {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(), [&](const std::string& r) { return r.starts_with(prefix); }));
}

void check_one_block(const std::vector<std::string>& rows, std::size_t columns) {
  for (const char* prefix :
       {"Session   ", "Started   ", "Lines     ", "TRANSFER  [", "RESTORE   ["}) {
    CAPTURE(prefix);
    CHECK(count_starting(rows, prefix) == 1);
  }
  for (const auto& r : rows) CHECK(display_width(r) < columns);
}

Display terminal(std::size_t columns, std::size_t rows, bool colour = false) {
  Display d;
  d.terminal = true;
  d.colour = colour;
  d.fallback = {columns, rows};
  return d;
}

// A pseudo-terminal whose size the test sets: what TIOCGWINSZ answers the printer.
struct Pty {
  int leader = -1, follower = -1;
  Pty() { REQUIRE(::openpty(&leader, &follower, nullptr, nullptr, nullptr) == 0); }
  ~Pty() {
    ::close(leader);
    ::close(follower);
  }
  void size(unsigned short columns, unsigned short rows) const {
    struct winsize ws {};
    ws.ws_col = columns;
    ws.ws_row = rows;
    REQUIRE(::ioctl(follower, TIOCSWINSZ, &ws) == 0);
  }
};

}  // namespace

TEST_CASE("the display: a terminal redraws, in colour unless NO_COLOR says otherwise") {
  CHECK(make_display(1, true, "xterm", nullptr).terminal);
  CHECK(make_display(1, true, "xterm", nullptr).colour);
  CHECK(make_display(1, true, "xterm", "").colour);  // no-color.org: empty is unset
  CHECK_FALSE(make_display(1, true, "xterm", "1").colour);
  CHECK(make_display(1, true, "xterm", "1").terminal);
  CHECK_FALSE(make_display(1, true, "dumb", nullptr).terminal);
  CHECK_FALSE(make_display(1, true, "dumb", nullptr).colour);
  CHECK_FALSE(make_display(1, false, "xterm", nullptr).terminal);
  CHECK_FALSE(make_display(1, false, "xterm", nullptr).colour);
  CHECK(make_display(1, true, nullptr, nullptr).terminal);
}

TEST_CASE("fifty redraws of lines longer than 80 columns leave one block on the screen") {
  std::ostringstream out;
  StatusPrinter printer(out, terminal(80, 24, true));
  Screen screen(80, 24);
  wte::log::MasterLog log;
  log.feed(header(60));
  printer.show(log.model());
  for (int i = 0; i < 50; ++i) {
    log.feed(account(i));
    printer.show(log.model());
    screen.write(out.str());
    out.str("");
  }
  const auto all = screen.everything();
  check_one_block(all, 80);
  CHECK(count_starting(all, "FAILED    TRANSFER user43: rsync failed") == 1);
  CHECK(std::find(all.begin(), all.end(), "            exit 23") != all.end());
  CHECK(count_starting(screen.screen(), "Session   RUNNING") == 1);
}

TEST_CASE("nothing is written when nothing changed") {
  std::ostringstream out;
  StatusPrinter printer(out, terminal(80, 24));
  wte::log::MasterLog log;
  log.feed(header(2));
  printer.show(log.model());
  const std::string first = out.str();
  CHECK(first.starts_with("\rSession   "));            // the first draw goes up nowhere
  CHECK(first.find("\033[K\n") != std::string::npos);  // each row erased to its end
  CHECK(first.find("\033[J") == std::string::npos);
  out.str("");
  printer.show(log.model());
  CHECK(out.str().empty());
}

TEST_CASE("the width is read at each redraw; a narrower terminal is erased enough") {
  Pty pty;
  pty.size(100, 30);
  Display d = terminal(0, 0);
  d.fd = pty.follower;
  CHECK(terminal_size(d) == TerminalSize{100, 30});
  std::ostringstream out;
  StatusPrinter printer(out, d);
  Screen screen(100, 30);
  wte::log::MasterLog log;
  log.feed(header(6) + account(0));
  printer.show(log.model());
  screen.write(out.str());
  const auto rows_at_100 = screen.screen().size();
  out.str("");

  pty.size(60, 30);
  screen.resize(60);
  printer.show(log.model());  // the same session: redrawn for the new width alone
  const std::string frame = out.str();
  // Each row drawn at 100 columns may now take two (a terminal that re-wraps).
  CHECK(frame.starts_with("\r\033[" + std::to_string(2 * rows_at_100) + "A"));
  screen.write(frame);
  check_one_block(screen.everything(), 60);
  out.str("");
  printer.show(log.model());
  CHECK(out.str().empty());
}

TEST_CASE("a block taller than the terminal is cut to its height") {
  std::ostringstream out;
  StatusPrinter printer(out, terminal(40, 6));
  Screen screen(40, 6);
  wte::log::MasterLog log;
  log.feed(header(6));
  for (int i = 0; i < 3; ++i) {
    log.feed(account(i));
    printer.show(log.model());
  }
  screen.write(out.str());
  const auto all = screen.everything();
  CHECK(count_starting(all, "Session   ") == 1);
  REQUIRE(screen.screen().size() == 5);
  CHECK(screen.screen().back().starts_with("\u2026 "));
}

TEST_CASE("not a terminal: plain lines, the block again only when it changed") {
  std::ostringstream out;
  StatusPrinter printer(out, Display{});
  wte::log::MasterLog log;
  log.feed(header(2));
  printer.show(log.model());
  printer.show(log.model());
  log.feed(account(3));  // fails
  printer.show(log.model());
  const std::string text = out.str();
  CHECK(text.find('\033') == std::string::npos);
  std::size_t blocks = 0;
  for (auto at = text.find("Session   "); at != std::string::npos;
       at = text.find("Session   ", at + 1))
    ++blocks;
  CHECK(blocks == 2);
  CHECK(text.find("FAILED    TRANSFER user3: rsync failed\n            exit 23\n") <
        text.rfind("Session   "));
}

TEST_CASE("the end: after a follow the final block and the items, else the whole report") {
  wte::log::MasterLog log;
  log.feed(header(1) + account(3) + line(R"("action":"complete","child_number":0)"));
  ReportOptions options;
  options.items = true;

  std::ostringstream followed;
  StatusPrinter after_show(followed, Display{});
  after_show.show(log.model());
  followed.str("");
  after_show.finish(log.model(), options);
  CHECK(followed.str() ==
        "\nItems:\n  TRANSFER  failed     user3  953.7 MiB\n  RESTORE   failed     user3  953.7 "
        "MiB\n");

  std::ostringstream once;
  StatusPrinter report(once, Display{});
  report.finish(log.model(), options);
  const std::string text = once.str();
  CHECK(text.starts_with("Session   "));
  CHECK(text.find("\nFailed items:\n  TRANSFER user3: rsync failed\n    exit 23\n") !=
        std::string::npos);
  CHECK(text.ends_with("  RESTORE   failed     user3  953.7 MiB\n"));
}
