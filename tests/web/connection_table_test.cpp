#include "web/connection_table.hpp"

#include <doctest/doctest.h>

namespace wte::web {

TEST_CASE("longest_waiting picks the oldest waiting connection and skips busy ones") {
  using namespace std::chrono_literals;
  const ConnectionTable::Clock::time_point t0{};
  ConnectionTable table;
  CHECK_FALSE(table.longest_waiting());
  table.add(1, t0 + 5s);
  table.add(2, t0 + 1s);
  table.add(3, t0 + 3s);
  CHECK(table.size() == 3);
  CHECK(table.longest_waiting() == 2u);
  table.set_busy(2);
  CHECK(table.longest_waiting() == 3u);
  table.set_waiting(2, t0 + 9s);  // it answered and waits again: now the newest
  CHECK(table.longest_waiting() == 3u);
  CHECK(table.remove(3));
  CHECK_FALSE(table.remove(3));
  CHECK(table.longest_waiting() == 1u);
  table.set_busy(1);
  table.set_busy(2);
  CHECK_FALSE(table.longest_waiting());
  table.set_waiting(99, t0);  // unknown ids are ignored
  CHECK_FALSE(table.contains(99));
  CHECK(table.size() == 2);
}

TEST_CASE("ties go to the lower id") {
  ConnectionTable table;
  const ConnectionTable::Clock::time_point t{};
  table.add(7, t);
  table.add(4, t);
  CHECK(table.longest_waiting() == 4u);
}

}  // namespace wte::web

namespace wte::web {

TEST_CASE("a write that does not finish becomes evictable after its grace, a young one never") {
  using namespace std::chrono_literals;
  const ConnectionTable::Clock::time_point t0{};
  ConnectionTable table;
  table.add(1, t0 + 1s);
  table.set_busy(1);
  table.add(2, t0 + 1s);
  table.set_writing(2, t0 + 2s);  // started writing at 2 s: a client that does not read
  CHECK_FALSE(table.longest_waiting());
  CHECK_FALSE(table.evictable(t0 + 2500ms, 1s));  // still young
  CHECK(table.evictable(t0 + 3s, 1s) == 2u);
  table.add(3, t0 + 5s);  // waits for its header since 5 s: the writer has held on longer
  CHECK(table.evictable(t0 + 6s, 1s) == 2u);
  CHECK(table.longest_waiting() == 3u);
  table.set_waiting(2, t0 + 7s);  // the write finished: waits for the next request
  CHECK(table.evictable(t0 + 8s, 1s) == 3u);
  table.set_writing(3, t0 + 8s);
  CHECK(table.evictable(t0 + 8500ms, 1s) == 2u);
}

}  // namespace wte::web
