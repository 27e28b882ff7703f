#include "progress/item_problems.hpp"

#include <doctest/doctest.h>

#include "log/master_log.hpp"
#include "support/test_files.hpp"

using namespace wte::progress;

namespace {

wte::log::ItemRecord failed_item(std::string name, std::string failure) {
  wte::log::ItemRecord item;
  item.queue = "TRANSFER";
  item.name = std::move(name);
  item.status = wte::log::ItemStatus::failed;
  item.failure = std::move(failure);
  return item;
}

std::string feed_line(const std::string& action, const std::string& item, const std::string& msg) {
  return R"({"contents":{"action":")" + action + R"(","queue":"RESTORE","item":")" + item +
         R"(","msg":)" + msg + "}}\n";
}

}  // namespace

TEST_CASE("a failure as it happens: its lines indented under the text") {
  CHECK(failed_item_event(failed_item("root", "The account exists.")) ==
        "FAILED    TRANSFER root: The account exists.\n");
  CHECK(failed_item_event(failed_item("bob", "rsync failed:\nexit 23\n")) ==
        "FAILED    TRANSFER bob: rsync failed:\n            exit 23\n");
  auto none = failed_item("x\x1b[2J", "");
  none.failure.reset();
  CHECK(failed_item_event(none) == "FAILED    TRANSFER x\\x1B[2J: (no failure text)\n");
}

TEST_CASE("dangerous items as they happen: each text on its lines") {
  wte::log::ItemRecord item;
  item.queue = "RESTORE";
  item.name = "colin";
  item.status = wte::log::ItemStatus::succeeded;
  item.dangerous_items = 2;
  item.dangerous_texts = {"MySQL: skipped\ngrants", "Second"};
  CHECK(dangerous_item_event(item) ==
        "DANGEROUS RESTORE colin: 2 dangerous items\n"
        "          MySQL: skipped\n"
        "            grants\n"
        "          Second\n");
}

TEST_CASE("the report's details keep their one-line form and indent the other lines") {
  wte::log::MasterLog seed;
  seed.feed(wte::test::fixture_log("seed-2014-three-accounts.log"));
  seed.finish();
  CHECK(problem_details(seed.model()) ==
        "\nItems with dangerous or altered items:\n"
        "  RESTORE colin: 1 dangerous item, 1 altered item\n"
        "    dangerous: MySQL:  Skipping grants for these MySQL databases: colin_%. These "
        "databases don't exist in the archive.\n"
        "    altered:   mySQL  database \u201ccolin_testdatabase\u201d restored as "
        "\u201ctestdatabase\u201d\n"
        "    altered:   mySQL  user \u201ccolin\u201d restored as \u201ccolin\u201d\n");

  wte::log::MasterLog m;
  m.feed(feed_line("failed-item", "a", R"({"failure":"one\ntwo\r\nthree"})"));
  m.feed(feed_line("success-item", "b",
                   R"({"dangerous_items":1,"contents":{"dangerous_items":[[[],"x\ny",null]]}})"));
  CHECK(problem_details(m.model()) ==
        "\nFailed items:\n"
        "  RESTORE a: one\n"
        "    two\n"
        "    three\n"
        "\nItems with dangerous or altered items:\n"
        "  RESTORE b: 1 dangerous item, 0 altered items\n"
        "    dangerous: x\n"
        "               y\n");
}

TEST_CASE("each problem is told once, and a started item's are not yet") {
  wte::log::MasterLog m;
  ProblemFeed feed;
  m.feed(feed_line("start-item", "a", "{}"));
  CHECK(feed.new_events(m.model()).empty());
  m.feed(feed_line("failed-item", "a", R"({"failure":"bad"})"));
  CHECK(feed.new_events(m.model()) == "FAILED    RESTORE a: bad\n");
  CHECK(feed.new_events(m.model()).empty());
  m.feed(feed_line("success-item", "b", R"({"dangerous_items":1})"));
  CHECK(feed.new_events(m.model()) == "DANGEROUS RESTORE b: 1 dangerous item\n");
  m.feed(feed_line("failed-item", "a", R"({"failure":"bad again"})"));  // a retry
  CHECK(feed.new_events(m.model()).empty());

  wte::log::MasterLog again;  // the same log read from its start (truncated, reset)
  again.feed(feed_line("failed-item", "a", R"({"failure":"bad"})"));
  CHECK(feed.new_events(again.model()).empty());
}
