#pragma once
// Session ids go into URLs and file paths: only [0-9A-Za-z_] is ever let through.
#include <cstddef>
#include <string_view>

namespace wte::whm {

inline constexpr std::size_t kMaxSessionIdLength = 64;

// True for 1..64 characters, each of [0-9A-Za-z_].
bool is_valid_session_id(std::string_view id) noexcept;

}  // namespace wte::whm
