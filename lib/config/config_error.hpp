#pragma once
// One problem found in a config file, located precisely enough to fix it without guessing.
#include <string>

namespace wte::config {

struct ConfigError {
  std::string file;
  int line = 0;     // 1-based; 0 when the problem has no position (e.g. unreadable file)
  int column = 0;   // 1-based; 0 with line 0
  std::string key;  // path like "hosts[1].timeout" (0-based index); empty if none applies
  std::string message;

  // "FILE:LINE:COL: KEY: MESSAGE"; the position and the key are left out when unknown.
  std::string to_string() const;
};

}  // namespace wte::config
