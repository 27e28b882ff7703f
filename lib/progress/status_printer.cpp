#include "progress/status_printer.hpp"

#include <algorithm>
#include <ostream>

namespace wte::progress {

void StatusPrinter::show(const std::string& status) {
  if (status == last_) return;
  if (terminal_ && lines_ > 0) out_ << "\033[" << lines_ << "A\033[J";
  out_ << status << std::flush;
  if (!terminal_) out_ << "\n";
  lines_ = static_cast<std::size_t>(std::count(status.begin(), status.end(), '\n'));
  last_ = status;
}

}  // namespace wte::progress
