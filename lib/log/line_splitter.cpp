#include "log/line_splitter.hpp"

namespace wte::log {

void LineSplitter::clear() noexcept {
  tail_.clear();
  pending_bytes_ = 0;
  discarding_ = false;
}

}  // namespace wte::log
