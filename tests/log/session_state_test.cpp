#include "log/session_state.hpp"

#include <doctest/doctest.h>

using namespace wte::log;

TEST_CASE("state integers of whmxfer.sqlite") {
  CHECK(state_from_db_integer(0) == "PENDING");
  CHECK(state_from_db_integer(10) == "REACHEDMAXMEM");
  CHECK(state_from_db_integer(20) == "RUNNING");
  CHECK(state_from_db_integer(50) == "PAUSING");
  CHECK(state_from_db_integer(60) == "ABORTING");
  CHECK(state_from_db_integer(70) == "PAUSED");
  CHECK(state_from_db_integer(100) == "COMPLETED");
  CHECK(state_from_db_integer(150) == "ABORTED");
  CHECK(state_from_db_integer(200) == "FAILED");
  CHECK(state_from_db_integer(42) == "UNKNOWN_42");
}

TEST_CASE("final states") {
  CHECK(is_final_state("COMPLETED"));
  CHECK(is_final_state("ABORTED"));
  CHECK(is_final_state("FAILED"));
  CHECK_FALSE(is_final_state("RUNNING"));
  CHECK_FALSE(is_final_state("RESTORE_INPROGRESS"));
  CHECK_FALSE(is_final_state("SOMETHING_NEW"));
  CHECK(known_states().size() == 13);
}
