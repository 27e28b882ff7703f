// libFuzzer harness: any bytes given as a config must yield errors or a config, never a
// crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = wte::config::load_config_string(text, "fuzz.yml");
  // The documented invariant: a config, or at least one error.
  if (result.ok()) return 0;
  if (result.error().empty()) __builtin_trap();
  for (const auto& error : result.error()) {
    if (error.to_string().empty()) __builtin_trap();
  }
  return 0;
}
