#include "whm/session_id.hpp"

namespace wte::whm {

namespace {
// Locale-free on purpose: std::isalnum would depend on the global locale.
constexpr bool is_id_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
}  // namespace

bool is_valid_session_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxSessionIdLength) return false;
  for (char c : id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

}  // namespace wte::whm
