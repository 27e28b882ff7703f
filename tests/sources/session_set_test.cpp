#include "sources/session_set.hpp"

#include <doctest/doctest.h>

#include <set>
#include <vector>

using wte::sources::SessionSet;
using wte::sources::TrackedSession;

namespace {
struct Entry {
  Entry(const std::string& host, const std::string& id) : session(host, id) {}
  TrackedSession session;
};
using Ids = std::set<std::string, std::less<>>;
}  // namespace

TEST_CASE("the limit refuses sessions, each counted once while it stays refused") {
  SessionSet<Entry> set;
  for (const char* id : {"a", "b", "c", "d"}) set.add(id, 2, "h", id);
  CHECK(set.size() == 2);
  CHECK(set.take_newly_refused() == 2);
  // Asked again (a reload, a registration): the same two are not counted again.
  for (const char* id : {"a", "b", "c", "d"}) {
    if (!set.contains(id)) set.add(id, 2, "h", id);
  }
  CHECK(set.take_newly_refused() == 0);
  // "c" is no longer listed, then comes back: a new refusal.
  set.keep_listed(
      Ids{"a", "b", "d"}, [](const Entry&) { return false; }, [](const std::string&, Entry&) {});
  set.add("c", 2, "h", "c");
  CHECK(set.take_newly_refused() == 1);
}

TEST_CASE("finished sessions expire after the retention and are not added again") {
  SessionSet<Entry> set;
  set.add("a", 10, "h", "a");
  set.add("b", 10, "h", "b");
  set.find("a")->session.mark_finished(100);
  std::vector<std::string> expired;
  set.expire_finished(100 + 59, 60, [&](Entry& e) { expired.push_back(e.session.id()); });
  CHECK(expired.empty());
  set.expire_finished(100 + 60, 60, [&](Entry& e) { expired.push_back(e.session.id()); });
  CHECK(expired == std::vector<std::string>{"a"});
  CHECK_FALSE(set.contains("a"));
  CHECK(set.expired("a"));
  CHECK(set.add("a", 10, "h", "a") == nullptr);
  // Gone from its source: forgotten, so a new session under that id is read.
  set.keep_listed(
      Ids{"b"}, [](const Entry&) { return false; }, [](const std::string&, Entry&) {});
  CHECK_FALSE(set.expired("a"));
  CHECK(set.add("a", 10, "h", "a") != nullptr);
}

TEST_CASE("keep_listed keeps what the caller wants kept and tells what it removes") {
  SessionSet<Entry> set;
  set.add("a", 10, "h", "a");
  set.add("b", 10, "h", "b");
  set.add("c", 10, "h", "c");
  set.find("b")->session.mark_finished(1);
  std::vector<std::string> removed;
  set.keep_listed(
      Ids{"c"}, [](const Entry& e) { return e.session.finished_at().has_value(); },
      [&](const std::string& id, Entry&) { removed.push_back(id); });
  CHECK(removed == std::vector<std::string>{"a"});
  CHECK(set.contains("b"));
  CHECK(set.contains("c"));
}

TEST_CASE("views name the host and show each session") {
  SessionSet<Entry> set;
  set.add("a", 10, "h1", "a")->session.set_api_state("RUNNING");
  set.add("b", 10, "h1", "b");
  std::vector<std::string> seen;
  set.for_each_view("h1", [&](const wte::sources::SessionView& v) {
    CHECK(v.host == "h1");
    seen.push_back(std::string(v.session_id) + "=" + std::string(v.state().value_or("?")) + " " +
                   std::string(v.unknown_reason));
  });
  CHECK(seen == std::vector<std::string>{"a=RUNNING ", "b=? not polled yet"});
}
