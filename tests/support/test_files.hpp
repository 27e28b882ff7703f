#pragma once
// Reading the test data shipped in tests/data.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace wte::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string fixture_log(const std::string& name) {
  return read_file(std::string(WTE_TEST_DATA_DIR) + "/logs/" + name);
}

}  // namespace wte::test
