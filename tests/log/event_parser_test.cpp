#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "log/master_log.hpp"

TEST_CASE("smoke") {
  std::ifstream in(WTE_TEST_DATA_DIR "/logs/seed-2014-three-accounts.log");
  std::stringstream ss;
  ss << in.rdbuf();
  wte::log::MasterLog log;
  log.feed(ss.str());
  CHECK(log.info().lines == 30);
}
