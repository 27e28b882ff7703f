#pragma once
// Shows the status block of `progress --follow`: redrawn in place on a terminal, printed
// again (when it changed) otherwise.
#include <cstddef>
#include <iosfwd>
#include <string>

namespace wte::progress {

class StatusPrinter {
 public:
  StatusPrinter(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}
  void show(const std::string& status);

 private:
  std::ostream& out_;
  bool terminal_;
  std::string last_;
  std::size_t lines_ = 0;
};

}  // namespace wte::progress
