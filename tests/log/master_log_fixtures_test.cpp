// The two real logs from cPanel's documentation, every count asserted, fed whole and in
// chunks of every size.
#include <doctest/doctest.h>

#include "log/master_log.hpp"
#include "log/summary_json.hpp"
#include "support/test_files.hpp"

using wte::log::ItemStatus;
using wte::log::MasterLog;
using wte::log::QueueCounts;

namespace {

MasterLog whole(const std::string& log) {
  MasterLog m;
  m.feed(log);
  m.finish();
  return m;
}

MasterLog chunked(const std::string& log, std::size_t chunk) {
  MasterLog m;
  for (std::size_t i = 0; i < log.size(); i += chunk)
    m.feed(std::string_view(log).substr(i, chunk));
  m.finish();
  return m;
}

void check_chunking_is_invisible(const std::string& log) {
  const std::string expected = wte::log::summary_json(whole(log).model());
  for (std::size_t chunk = 1; chunk <= 400; chunk += (chunk < 40 ? 1 : 37)) {
    CAPTURE(chunk);
    CHECK(wte::log::summary_json(chunked(log, chunk).model()) == expected);
  }
}

}  // namespace

TEST_CASE("seed-2014-three-accounts.log") {
  const std::string log = wte::test::fixture_log("seed-2014-three-accounts.log");
  const MasterLog m = whole(log);
  const auto& s = m.info();
  CHECK(s.state == "COMPLETED");
  CHECK(s.initiator == "copyacct");
  CHECK(s.version == "1.6");
  CHECK(s.remote_host == "vm5.docs.cpanel.net");
  CHECK_FALSE(s.started_at);
  CHECK_FALSE(s.last_event_at);
  CHECK(s.lines == 30);
  CHECK(s.malformed_lines == 0);
  CHECK(s.pending_bytes == 0);

  QueueCounts transfer;
  transfer.items_total = 3;
  transfer.items_started = 3;
  transfer.items_finished = 3;
  transfer.items_succeeded = 3;
  CHECK(m.model().queue("TRANSFER")->counts == transfer);
  CHECK(m.model().queue("TRANSFER")->counts.progress() == doctest::Approx(1.0));

  QueueCounts restore;
  restore.items_total = 3;
  restore.items_started = 3;
  restore.items_finished = 3;
  restore.items_succeeded = 3;
  restore.items_with_warnings = 3;
  restore.warnings = 8;
  restore.dangerous_items = 1;
  restore.skipped_items = 31;
  restore.altered_items = 1;
  CHECK(m.model().queue("RESTORE")->counts == restore);

  const auto& items = m.model().items();
  REQUIRE(items.size() == 6);
  const char* order[] = {"fredfred", "colin", "stacy", "stacy", "colin", "fredfred"};
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(items[i].name == order[i]);
    CHECK(items[i].status == ItemStatus::succeeded);
    CHECK(items[i].item_type == "AccountRemoteRoot");
  }
  const auto& colin = items[4];
  CHECK(colin.queue == "RESTORE");
  CHECK(colin.had_warnings);
  CHECK(colin.warnings == 4);
  CHECK(colin.dangerous_items == 1);
  CHECK(colin.skipped_items == 10);
  CHECK(colin.altered_items == 1);
  CHECK_FALSE(colin.size);
  REQUIRE(colin.dangerous_texts.size() == 1);
  CHECK(colin.dangerous_texts[0] ==
        "MySQL:  Skipping grants for these MySQL databases: colin_%. These databases don't exist "
        "in the archive.");
  REQUIRE(colin.altered_texts.size() == 2);
  CHECK(colin.altered_texts[0] ==
        "mySQL  database \xE2\x80\x9C"
        "colin_testdatabase\xE2\x80\x9D restored as "
        "\xE2\x80\x9C"
        "testdatabase\xE2\x80\x9D");
  CHECK(items[0].had_warnings == false);
  CHECK(items[3].skipped_items == 10);
  CHECK(items[5].skipped_items == 11);

  check_chunking_is_invisible(log);
}

TEST_CASE("openapi-2020-failed-root.log") {
  const std::string log = wte::test::fixture_log("openapi-2020-failed-root.log");
  const MasterLog m = whole(log);
  const auto& s = m.info();
  CHECK(s.state == "COMPLETED");
  CHECK(s.initiator == "norootcopy");
  CHECK(s.version == "2.3");
  CHECK(s.remote_host == "10.1.32.200");
  CHECK(s.started_at == 1598991042);
  CHECK(s.last_event_at == 1598991043);
  CHECK(s.lines == 17);
  CHECK(s.malformed_lines == 0);

  QueueCounts expected;
  expected.items_total = 1;
  expected.bytes_total = 1;
  expected.items_started = 1;
  expected.items_finished = 1;
  expected.items_failed = 1;
  expected.bytes_finished = 1;
  CHECK(m.model().queue("TRANSFER")->counts == expected);
  CHECK(m.model().queue("RESTORE")->counts == expected);

  const auto& items = m.model().items();
  REQUIRE(items.size() == 2);
  for (const auto& item : items) {
    CHECK(item.name == "root");
    CHECK(item.item_type == "AccountRemoteUser");
    CHECK(item.status == ItemStatus::failed);
    CHECK(item.size == 1);
    CHECK(item.failure ==
          "The account \xE2\x80\x9Croot\xE2\x80\x9D already exists on "
          "\xE2\x80\x9C"
          "control.box.new\xE2\x80\x9D.");
  }
  check_chunking_is_invisible(log);
}

TEST_CASE("a log being written: the partial last line is pending, not malformed") {
  const std::string log = wte::test::fixture_log("openapi-2020-failed-root.log");
  const std::size_t cut = log.size() - 20;
  MasterLog m;
  m.feed(std::string_view(log).substr(0, cut));
  CHECK(m.info().lines == 16);
  CHECK(m.info().pending_bytes > 0);
  m.finish();  // not a whole object: stays pending
  CHECK(m.info().lines == 16);
  CHECK(m.info().malformed_lines == 0);
  CHECK(m.info().state == "RUNNING");
  m.feed(std::string_view(log).substr(cut));
  CHECK(m.info().lines == 17);
  CHECK(m.info().pending_bytes == 0);
  CHECK(m.info().state == "COMPLETED");
}

TEST_CASE("finish() parses a whole object that lacks only its newline") {
  std::string log = wte::test::fixture_log("openapi-2020-failed-root.log");
  log.pop_back();  // the final '\n'
  MasterLog m;
  m.feed(log);
  CHECK(m.info().lines == 16);
  m.finish();
  CHECK(m.info().lines == 17);
  CHECK(m.info().pending_bytes == 0);
  CHECK(m.info().state == "COMPLETED");
}

TEST_CASE("CRLF line ends give the same summary") {
  std::string log = wte::test::fixture_log("seed-2014-three-accounts.log");
  std::string crlf;
  for (char c : log) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  CHECK(wte::log::summary_json(whole(crlf).model()) == wte::log::summary_json(whole(log).model()));
  check_chunking_is_invisible(crlf);
}
