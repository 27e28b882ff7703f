#include "log/session_model.hpp"

#include <doctest/doctest.h>

#include "log/master_log.hpp"
#include "log_builder.hpp"

using namespace wte::test;
using wte::log::ItemStatus;

namespace {
const wte::log::QueueCounts& q(const wte::log::MasterLog& m, const char* name) {
  const auto* queue = m.model().queue(name);
  REQUIRE(queue != nullptr);
  return queue->counts;
}
}  // namespace

TEST_CASE("session state follows the last child-0 line without a queue") {
  struct Case {
    const char* action;
    const char* state;
  };
  for (const Case c :
       {Case{"start", "RUNNING"}, Case{"pausing", "PAUSING"}, Case{"pause", "PAUSED"},
        Case{"resume", "RUNNING"}, Case{"aborting", "ABORTING"}, Case{"abort", "ABORTED"},
        Case{"fail", "FAILED"}, Case{"complete", "COMPLETED"}}) {
    CAPTURE(c.action);
    CHECK(summarize(control("start") + control(c.action)).info().state == c.state);
  }
  CHECK(summarize("").info().state == "PENDING");
  // A worker's start/complete carries a queue and does not change the session's state.
  CHECK(summarize(control("start") + worker("complete", "TRANSFER", "x")).info().state ==
        "RUNNING");
  CHECK(summarize(control("start") + control("pause") + control("resume") +
                  worker("start", "TRANSFER", "a"))
            .info()
            .state == "RUNNING");
}

TEST_CASE("session info from the log") {
  const auto m = summarize(control("start", "null", R"(,"time":100)") +
                           control("initiator", R"("copyacct")") + control("version", "2.3") +
                           control("remotehost", R"("src.example.com")", R"(,"time":150)") +
                           worker("start", "TRANSFER", "a", "null", R"(,"time":120)"));
  const auto& i = m.info();
  CHECK(i.initiator == "copyacct");
  CHECK(i.version == "2.3");
  CHECK(i.remote_host == "src.example.com");
  CHECK(i.started_at == 100);
  CHECK(i.last_event_at == 120);  // the last time seen, in file order
  CHECK(i.lines == 5);
}

TEST_CASE("queue totals are the last queue_count and queue_size") {
  const auto m = summarize(queue_line("queue_count", "TRANSFER", "3") +
                           queue_line("queue_size", "TRANSFER", R"("1000")") +
                           queue_line("queue_count", "TRANSFER", R"("4")") +
                           queue_line("queue_count", "RESTORE", R"("bad")"));
  CHECK(q(m, "TRANSFER").items_total == 4);
  CHECK(q(m, "TRANSFER").bytes_total == 1000);
  CHECK_FALSE(q(m, "RESTORE").items_total);
  CHECK_FALSE(q(m, "RESTORE").progress());
}

TEST_CASE("an item exists once any worker line names it, results decide its status") {
  const auto m =
      summarize(queue_line("queue_count", "TRANSFER", "4") + worker("start", "TRANSFER", "a") +
                worker("process-item", "TRANSFER", "b", R"("item-TRANSFER_b")") +
                worker("start-item", "TRANSFER", "c", R"({"size":100})") +
                worker("start-item", "TRANSFER", "d", R"("250")") +
                worker("success-item", "TRANSFER", "c", R"({"warnings":0})") +
                worker("failed-item", "TRANSFER", "d", R"({"failure":"boom"})"));
  const auto& c = q(m, "TRANSFER");
  CHECK(c.items_started == 4);
  CHECK(c.items_finished == 2);
  CHECK(c.items_succeeded == 1);
  CHECK(c.items_failed == 1);
  CHECK(c.bytes_finished == 350);  // sizes from start-item, object and legacy string
  CHECK(c.progress() == doctest::Approx(0.5));
  const auto& items = m.model().items();
  REQUIRE(items.size() == 4);
  CHECK(items[0].status == ItemStatus::started);
  CHECK(items[3].failure == "boom");
  CHECK(items[3].size == 250);
}

TEST_CASE("the last result wins: child-failed retries never count twice") {
  const auto m = summarize(
      worker("start-item", "RESTORE", "a", R"({"size":10})") +
      worker("failed-item", "RESTORE", "a", R"({"failure":"worker died","size":10})") +
      queue_line("child-failed", "RESTORE", R"("1/3")") +
      worker("start-item", "RESTORE", "a", R"({"size":10})") +
      worker("warning-item", "RESTORE", "a", R"({"size":12,"warnings":3,"dangerous_items":0})"));
  const auto& c = q(m, "RESTORE");
  CHECK(c.items_started == 1);
  CHECK(c.items_finished == 1);
  CHECK(c.items_failed == 0);
  CHECK(c.items_succeeded == 1);
  CHECK(c.items_with_warnings == 1);
  CHECK(c.warnings == 3);
  CHECK(c.bytes_finished == 12);
  CHECK(c.child_failures == 1);
  const auto& item = m.model().items().at(0);
  CHECK(item.status == ItemStatus::succeeded);
  CHECK_FALSE(item.failure);  // the failure of the first attempt is gone
}

TEST_CASE("had warnings: warning-item, or any non-zero count") {
  const auto m = summarize(
      worker("success-item", "RESTORE", "clean", R"({"warnings":0,"skipped_items":0})") +
      worker("warning-item", "RESTORE", "warn", R"({})") +
      worker("success-item", "RESTORE", "skipped", R"({"skipped_items":"2"})") +
      worker(
          "success-item", "RESTORE", "dangerous",
          R"({"dangerous_items":1,"contents":{"dangerous_items":[[["M","f",1],"danger!",null]]}})") +
      worker("success-item", "RESTORE", "altered", R"({"altered_items":2})"));
  const auto& c = q(m, "RESTORE");
  CHECK(c.items_succeeded == 5);
  CHECK(c.items_with_warnings == 4);
  CHECK(c.skipped_items == 2);
  CHECK(c.dangerous_items == 1);
  CHECK(c.altered_items == 2);
  CHECK(m.model().items()[3].dangerous_texts == std::vector<std::string>{"danger!"});
}

TEST_CASE("a TRANSFER failure writes RESTORE lines for the same item") {
  const auto m =
      summarize(worker("start-item", "TRANSFER", "root", R"({"size":1})") +
                worker("failed-item", "TRANSFER", "root", R"({"failure":"exists","size":1})") +
                worker("start-item", "RESTORE", "root", R"({"size":1})") +
                worker("failed-item", "RESTORE", "root", R"({"failure":"exists","size":1})"));
  CHECK(q(m, "TRANSFER").items_failed == 1);
  CHECK(q(m, "RESTORE").items_failed == 1);
  CHECK(m.model().items().size() == 2);  // keyed by (queue, item)
}

TEST_CASE("item texts are bounded") {
  const std::string long_failure(10000, 'f');
  const auto m =
      summarize(worker("failed-item", "TRANSFER", "a", R"({"failure":")" + long_failure + R"("})"));
  const auto& item = m.model().items().at(0);
  REQUIRE(item.failure);
  CHECK(item.failure->size() <= wte::log::ItemLimits{}.max_text_bytes);
}

TEST_CASE("invalid UTF-8 in names is repaired consistently") {
  const std::string bad = "acc\xFFount";
  const auto m = summarize(worker("start-item", "TRANSFER", bad) +
                           worker("success-item", "TRANSFER", bad, "{}"));
  REQUIRE(m.model().items().size() == 1);
  CHECK(m.model().items()[0].name == "acc\xEF\xBF\xBDount");
  CHECK(m.model().items()[0].status == ItemStatus::succeeded);
}

TEST_CASE("items are found again after they leave the most-recent list") {
  // More interleaved workers than the list holds, each item named twice, then every item
  // again: the counts must not depend on which lookup found the item.
  std::string log;
  for (int i = 0; i < 20; ++i) log += worker("start-item", "RESTORE", "acct" + std::to_string(i));
  for (int i = 0; i < 20; ++i) {
    log += worker("success-item", "RESTORE", "acct" + std::to_string(i), R"({"warnings":1})");
  }
  for (int i = 19; i >= 0; --i) log += worker("start", "RESTORE", "acct" + std::to_string(i));
  const auto m = summarize(log);
  CHECK(m.model().items().size() == 20);
  CHECK(q(m, "RESTORE").items_started == 20);
  CHECK(q(m, "RESTORE").items_succeeded == 20);
  CHECK(q(m, "RESTORE").warnings == 20);
}

TEST_CASE("two invalid spellings of one repaired name are one item") {
  const auto m = summarize(worker("start-item", "TRANSFER", "acc\xFFount") +
                           worker("success-item", "TRANSFER", "acc\xFEount", "{}") +
                           worker("start", "TRANSFER", "acc\xEF\xBF\xBDount"));
  REQUIRE(m.model().items().size() == 1);
  CHECK(m.model().items()[0].status == ItemStatus::succeeded);
  CHECK(q(m, "TRANSFER").items_started == 1);
}

TEST_CASE("a name over the text limit is one bounded item, however often it comes") {
  const std::string huge(100 * 1024, 'n');
  const auto m =
      summarize(worker("start-item", "TRANSFER", huge) +
                worker("success-item", "TRANSFER", huge, "{}") + worker("start", "TRANSFER", huge));
  REQUIRE(m.model().items().size() == 1);
  CHECK(m.model().items()[0].name.size() <= wte::log::ItemLimits{}.max_text_bytes);
  CHECK(m.model().items()[0].status == ItemStatus::succeeded);
  CHECK(q(m, "TRANSFER").items_started == 1);
}

TEST_CASE("an empty item name is one item, found again like any other") {
  const auto m =
      summarize(worker("start-item", "RESTORE", "") + worker("success-item", "RESTORE", "", "{}") +
                worker("start", "RESTORE", ""));
  REQUIRE(m.model().items().size() == 1);
  CHECK(m.model().items()[0].status == ItemStatus::succeeded);
  CHECK(q(m, "RESTORE").items_started == 1);
  CHECK(q(m, "RESTORE").items_succeeded == 1);
}

TEST_CASE("effective times: the log's, else the clock the chunk was read at, else unknown") {
  const std::string timed = control("start", "null", R"(,"time":100)") +
                            worker("start-item", "TRANSFER", "a", "{}", R"(,"time":110)") +
                            worker("success-item", "TRANSFER", "a", "{}", R"(,"time":170)");
  wte::log::MasterLog log;
  log.feed(timed, 5000.0);  // the log's own times win over the clock
  CHECK(log.model().times().first == 100);
  CHECK(log.model().times().last == 170);
  CHECK_FALSE(log.model().times().from_exporter_clock);
  REQUIRE(log.model().timings().size() == 1);
  CHECK(log.model().timings()[0].started_at == 110);
  CHECK(log.model().timings()[0].result_at == 170);
  CHECK(log.model().timings()[0].duration() == 60);
  // In a log that carries times, a line without one takes the last one (not the clock).
  log.feed(worker("start", "RESTORE", "a"), 9000.0);
  CHECK(log.model().timings()[1].started_at == 170);
  CHECK_FALSE(log.model().times().from_exporter_clock);

  wte::log::MasterLog untimed;
  untimed.feed(control("start") + worker("start", "TRANSFER", "a"));
  CHECK_FALSE(untimed.model().times().first);
  CHECK_FALSE(untimed.model().timings()[0].started_at);
  untimed.feed(worker("success-item", "TRANSFER", "a", "{}"), 1234.9);
  CHECK(untimed.model().times().from_exporter_clock);
  CHECK(untimed.model().times().first == 1234);  // whole seconds
  CHECK(untimed.model().timings()[0].result_at == 1234);
  CHECK_FALSE(untimed.model().timings()[0].duration());  // its start is unknown
  // finish() parses a last line without its newline with the clock it was read at.
  std::string last = worker("start", "TRANSFER", "b");
  last.pop_back();
  untimed.feed(last, 2000.0);
  untimed.finish();
  REQUIRE(untimed.model().timings().size() == 2);
  CHECK(untimed.model().timings()[1].started_at == 2000);
}

TEST_CASE("accounts: one per item name across queues, in order of first appearance") {
  const auto m = summarize(worker("start", "TRANSFER", "a") + worker("start", "TRANSFER", "b") +
                           worker("start", "RESTORE", "b") + worker("start", "RESTORE", "c") +
                           worker("start", "RESTORE", "a") + worker("start", "OTHER", "a"));
  const auto& accounts = m.model().accounts();
  REQUIRE(accounts.size() == 3);
  const auto& items = m.model().items();
  auto names = [&](const wte::log::AccountRecord& a) {
    std::vector<std::string> out;
    for (auto i : a.items) out.push_back(items[i].queue + "/" + items[i].name);
    return out;
  };
  CHECK(names(accounts[0]) == std::vector<std::string>{"TRANSFER/a", "RESTORE/a", "OTHER/a"});
  CHECK(names(accounts[1]) == std::vector<std::string>{"TRANSFER/b", "RESTORE/b"});
  CHECK(names(accounts[2]) == std::vector<std::string>{"RESTORE/c"});
  CHECK(m.model().timings()[4].account == 0);
  CHECK(wte::log::is_account_type("AccountRemoteRoot"));
  CHECK(wte::log::is_account_type(""));
  CHECK_FALSE(wte::log::is_account_type("MySQLDatabase"));
}
