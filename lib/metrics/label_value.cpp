#include "metrics/label_value.hpp"

#include "text/utf8.hpp"

namespace wte::metrics {

std::string label_value(std::string_view s) {
  std::string out;
  text::append_valid_utf8(out, s);
  return out;
}

std::string failure_label(std::string_view failure) {
  std::string out;
  text::append_valid_utf8(out, failure, kFailureLabelBytes);
  // Control characters are single bytes in UTF-8, so replacing them keeps the cut valid.
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

}  // namespace wte::metrics
