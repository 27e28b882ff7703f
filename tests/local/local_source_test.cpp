#include "local/local_source.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <sstream>

#include "local/sqlite_handle.hpp"
#include "local_test_support.hpp"
#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"
#include "session_tree/session_tree.hpp"
#include "support/manual_clock.hpp"
#include "support/test_files.hpp"

using namespace std::chrono_literals;
using wte::local::LocalSettings;
using wte::local::LocalSource;
using wte::local::testing::metric_value;
using wte::local::testing::summary_of_file;
using wte::session_tree::SessionTree;
using wte::session_tree::TreeSpec;
using wte::test::TempDir;

namespace {

// What the source shows of one session, copied out of the view.
struct Seen {
  std::optional<std::string> api_state;
  std::string summary;
  bool finished = false;
  std::string last_error;
  std::uint64_t lines = 0;
};

// A LocalSource on its own io_context, with real metrics, a captured log and a movable clock.
struct Harness {
  explicit Harness(const std::filesystem::path& root, LocalSettings settings = {}) {
    settings.path = root.string();
    if (settings.host_label.empty()) settings.host_label = "whm-local";
    source = std::make_shared<LocalSource>(wte::sources::SourceContext{io, metrics, logger, clock},
                                           settings);
  }
  std::map<std::string, Seen> sessions() const {
    std::map<std::string, Seen> out;
    source->for_each_session([&](const wte::sources::SessionView& v) {
      CHECK(v.host == "whm-local");
      Seen s;
      if (v.api_state) s.api_state = std::string(*v.api_state);
      s.summary = wte::log::summary_json(v.model, {.overview = false});
      s.finished = v.finished;
      s.last_error = std::string(v.last_error);
      s.lines = v.model.info().lines;
      out.emplace(std::string(v.session_id), std::move(s));
    });
    return out;
  }
  std::size_t log_lines_with(std::string_view text) const {
    std::istringstream in(log_text.str());
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(text) != std::string::npos;
    return n;
  }
  std::optional<double> db_up(const std::filesystem::path& root) const {
    return metric_value(metrics, "whm_transfer_local_database_up", "path",
                        (root / "whmxfer.sqlite").string());
  }

  wte::test::ManualClock clock;
  double& now = clock.unix;
  boost::asio::io_context io;
  wte::metrics::ExporterMetrics metrics{"test", "test"};
  std::ostringstream log_text;
  wte::logging::Logger logger{log_text, wte::logging::Level::debug};
  std::shared_ptr<LocalSource> source;
};

TreeSpec tree_spec(const std::filesystem::path& root, std::size_t sessions,
                   std::uint64_t seed = 1) {
  TreeSpec spec;
  spec.dir = root;
  spec.sessions = sessions;
  spec.accounts = 4;
  spec.seed = seed;
  return spec;
}

// Every session the tree holds is seen with the engine's summary of its file on disk.
void check_matches_disk(const Harness& h, const SessionTree& tree) {
  const auto seen = h.sessions();
  for (std::size_t i = 0; i < tree.size(); ++i) {
    const auto it = seen.find(tree.id(i));
    REQUIRE_MESSAGE(it != seen.end(), tree.id(i));
    const auto log = tree.log_path(i);
    const std::string expected = std::filesystem::exists(log)
                                     ? summary_of_file(log)
                                     : wte::local::testing::summary_of_text("");
    CHECK(it->second.summary == expected);
    CHECK(it->second.lines == tree.expected(i).lines);
  }
}

wte::local::SqliteDb open_rw(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  wte::local::SqliteDb db(raw);
  REQUIRE(db);
  return db;
}

}  // namespace

TEST_CASE("new sessions are found within one poll, with the database's state") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 3));
  Harness h(dir.path());
  h.source->poll_now();
  auto seen = h.sessions();
  REQUIRE(seen.size() == 3);
  for (const auto& [id, s] : seen) {
    CHECK(id.size() == 36);
    CHECK(s.api_state == "PENDING");  // a folder without a log yet: empty, no error
    CHECK(s.lines == 0);
    CHECK(s.last_error.empty());
    CHECK_FALSE(s.finished);
  }
  CHECK(h.log_lines_with("level=warn") == 0);
  const auto v = h.source->view();
  CHECK(v.kind == "local");
  CHECK(v.name == "whm-local");
  CHECK(v.up);
  CHECK(v.last_error_reason.empty());
  CHECK(v.sessions == 3);
  CHECK(h.db_up(dir.path()) == 1.0);

  for (std::size_t i = 0; i < tree.size(); ++i) tree.advance(i, 7);
  h.source->poll_now();
  seen = h.sessions();
  for (const auto& [id, s] : seen) CHECK(s.api_state == "RUNNING");
  check_matches_disk(h, tree);
}

TEST_CASE("counts equal the engine's summary of the same file, during and after the session") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 3, 7));
  Harness h(dir.path());
  std::uint64_t step = 1;
  while (!tree.all_done()) {
    for (std::size_t i = 0; i < tree.size(); ++i) tree.advance(i, (step * (i + 3)) % 11);
    ++step;
    h.now += 5;
    h.source->poll_now();
    check_matches_disk(h, tree);
  }
  h.source->poll_now();
  check_matches_disk(h, tree);
  for (const auto& [id, s] : h.sessions()) {
    CHECK(s.finished);
    CHECK(s.api_state == "COMPLETED");
  }
  for (std::size_t i = 0; i < tree.size(); ++i) {
    CHECK(tree.log_path(i).filename() == "master.log");
    CHECK_FALSE(std::filesystem::exists(tree.session_dir(i) / ".master.log"));
  }
  // Every byte of every log was read exactly once, across the renames.
  std::uintmax_t bytes = 0;
  std::uint64_t lines = 0;
  for (std::size_t i = 0; i < tree.size(); ++i) {
    bytes += std::filesystem::file_size(tree.log_path(i));
    lines += tree.expected(i).lines;
  }
  CHECK(metric_value(h.metrics, "whm_transfer_log_read_bytes_total", "host", "whm-local") ==
        static_cast<double>(bytes));
  CHECK(metric_value(h.metrics, "whm_transfer_log_lines_total", "host", "whm-local") ==
        static_cast<double>(lines));
  CHECK(metric_value(h.metrics, "whm_transfer_session_resets_total", "host", "whm-local") == 0.0);
  CHECK(metric_value(h.metrics, "whm_transfer_host_poll_duration_seconds", "host", "whm-local") ==
        static_cast<double>(h.source->polls()));
}

TEST_CASE("FAILED and ABORTED sessions finish too; descriptors of finished sessions are closed") {
  TempDir dir;
  auto spec = tree_spec(dir.path(), 4);
  SUBCASE("FAILED") {
    spec.end_state = "FAILED";
  }
  SUBCASE("ABORTED") {
    spec.end_state = "ABORTED";
  }
  SessionTree tree(spec);
  Harness h(dir.path());
  const std::size_t base = wte::local::testing::open_fds();
  for (std::size_t i = 0; i < tree.size(); ++i) tree.advance(i, 5);
  h.source->poll_now();
  CHECK(wte::local::testing::open_fds() == base + tree.size());  // one per running log
  tree.finish_all();
  h.source->poll_now();
  CHECK(wte::local::testing::open_fds() == base);
  for (const auto& [id, s] : h.sessions()) {
    CHECK(s.finished);
    CHECK(s.api_state == spec.end_state);
  }
  check_matches_disk(h, tree);
}

// Regression: a session whose row said final was finished once its log went quiet, so
// lines cPanel wrote after the row (before the rename) were never read.
TEST_CASE("a final row before the log ends: lines after it are read until master.log appears") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 1));
  tree.advance(0, 10);
  Harness h(dir.path());
  h.source->poll_now();
  tree.table().set_state(tree.id(0), 100, 1598991100);  // COMPLETED, says the database
  h.now += 1;
  h.source->poll_now();
  CHECK_FALSE(h.sessions()[tree.id(0)].finished);
  h.now += 3600;  // however long it stays quiet, .master.log is not the end of the log
  h.source->poll_now();
  CHECK_FALSE(h.sessions()[tree.id(0)].finished);
  tree.advance(0, 5);  // the last lines arrive after the row
  h.now += 10;
  h.source->poll_now();
  CHECK_FALSE(h.sessions()[tree.id(0)].finished);
  CHECK(h.sessions()[tree.id(0)].summary == summary_of_file(tree.log_path(0)));
  tree.finish_all();  // the rest, and the rename to master.log
  h.now += 1;
  h.source->poll_now();
  const auto s = h.sessions()[tree.id(0)];
  CHECK(s.finished);
  CHECK(s.summary == summary_of_file(tree.log_path(0)));
}

TEST_CASE("a final session that never had a log finishes once it has been quiet") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 1));
  Harness h(dir.path());                                   // poll_interval 5 s: "quiet" is 15 s
  tree.table().set_state(tree.id(0), 200, 1'700'000'000);  // FAILED before any log
  h.source->poll_now();
  CHECK_FALSE(h.sessions()[tree.id(0)].finished);
  h.now += 16;
  h.source->poll_now();
  CHECK(h.sessions()[tree.id(0)].finished);
  CHECK(h.sessions()[tree.id(0)].api_state == "FAILED");
}

TEST_CASE("truncation and replacement of a session's log are resets, counted") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 2));
  tree.advance(0, 40);
  tree.advance(1, 40);
  Harness h(dir.path());
  h.source->poll_now();
  const std::string other = wte::test::fixture_log("seed-2014-three-accounts.log");
  const auto log0 = tree.log_path(0);
  std::filesystem::resize_file(log0, 0);
  wte::local::testing::append_file(log0, other.substr(0, 500));
  h.source->poll_now();
  CHECK(h.sessions()[tree.id(0)].summary == summary_of_file(log0));
  CHECK(metric_value(h.metrics, "whm_transfer_session_resets_total", "host", "whm-local") == 1.0);
  // The other session did not notice.
  CHECK(h.sessions()[tree.id(1)].summary == summary_of_file(tree.log_path(1)));
  CHECK(h.log_lines_with("truncated or replaced") == 1);
}

TEST_CASE("a deleted session: unfinished goes at once, finished stays for its retention") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 3));
  tree.advance(0, 10);
  tree.advance(1, 10);
  while (!tree.done(2)) tree.advance(2, 100);
  LocalSettings settings;
  settings.finished_retention = 1h;
  Harness h(dir.path(), settings);
  h.now = static_cast<double>(tree.expected(2).last_event_at.value()) + 10;
  h.source->poll_now();
  REQUIRE(h.sessions().size() == 3);
  REQUIRE(h.sessions()[tree.id(2)].finished);
  for (const std::size_t i : {std::size_t{0}, std::size_t{2}}) {
    std::filesystem::remove_all(tree.session_dir(i));
    tree.table().remove(tree.id(i));
  }
  h.now += 60;
  h.source->poll_now();
  auto seen = h.sessions();
  CHECK_FALSE(seen.contains(tree.id(0)));
  CHECK(seen.contains(tree.id(1)));
  CHECK(seen.contains(tree.id(2)));
  h.now += 3600;
  h.source->poll_now();
  seen = h.sessions();
  CHECK(seen.size() == 1);
  CHECK(seen.contains(tree.id(1)));
}

TEST_CASE("finished sessions past the retention are dropped and not read again") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 2));
  tree.finish_all();
  LocalSettings settings;
  settings.finished_retention = 1h;
  Harness h(dir.path(), settings);
  SUBCASE("ended long before the exporter started: never read") {
    h.now = static_cast<double>(tree.expected(1).last_event_at.value()) + 7200;
    h.source->poll_now();
    CHECK(h.sessions().empty());
    CHECK(metric_value(h.metrics, "whm_transfer_log_read_bytes_total", "host", "whm-local") == 0.0);
  }
  SUBCASE("read, then forgotten an hour after it finished") {
    h.now = static_cast<double>(tree.expected(1).last_event_at.value()) + 10;
    h.source->poll_now();
    CHECK(h.sessions().size() == 2);
    const auto read =
        metric_value(h.metrics, "whm_transfer_log_read_bytes_total", "host", "whm-local");
    h.now += 3601;
    h.source->poll_now();
    h.source->poll_now();
    CHECK(h.sessions().empty());
    CHECK(metric_value(h.metrics, "whm_transfer_log_read_bytes_total", "host", "whm-local") ==
          read);
  }
}

TEST_CASE("a locked or corrupt database: sessions come from the folders, said once") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 2));
  tree.advance(0, 30);
  tree.advance(1, 12);
  Harness h(dir.path());
  h.source->poll_now();
  REQUIRE(h.sessions().size() == 2);
  std::string kind;
  SUBCASE("locked") {
    kind = "locked";
  }
  SUBCASE("corrupt") {
    kind = "corrupt";
  }
  CAPTURE(kind);
  const auto db_file = dir.path() / "whmxfer.sqlite";
  wte::local::SqliteDb writer;
  std::string saved;
  if (kind == "locked") {
    writer = open_rw(db_file);
    REQUIRE(sqlite3_exec(writer.get(), "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  } else {
    saved = wte::local::testing::read_file(db_file);
    wte::local::testing::write_file(db_file, std::string(4096, 'x'));
  }
  // A session that appears while the database cannot be read is found from its folder
  // (ended: its log is master.log).
  wte::local::testing::write_file(dir.path() / "newsession_from_folder" / "master.log",
                                  wte::test::fixture_log("openapi-2020-failed-root.log"));
  tree.advance(1, 9);
  h.source->poll_now();
  h.source->poll_now();
  auto seen = h.sessions();
  CHECK(seen.size() == 3);
  REQUIRE(seen.contains("newsession_from_folder"));
  const auto& fresh = seen["newsession_from_folder"];
  CHECK_FALSE(fresh.api_state.has_value());  // the log's own state
  CHECK(fresh.finished);                     // the log says FAILED and is read to its end
  CHECK(fresh.summary == summary_of_file(dir.path() / "newsession_from_folder" / "master.log"));
  CHECK(seen[tree.id(1)].summary == summary_of_file(tree.log_path(1)));  // others unaffected
  CHECK(seen[tree.id(0)].summary == summary_of_file(tree.log_path(0)));
  CHECK(h.db_up(dir.path()) == 0.0);
  CHECK(metric_value(h.metrics, "whm_transfer_host_errors_total", "host", "whm-local", "reason",
                     "database") == 2.0);
  auto v = h.source->view();
  CHECK(v.up);
  CHECK(v.last_error_reason == "database");
  CHECK(v.last_error_message.find(kind == "locked" ? "locked" : "not a database") !=
        std::string::npos);
  CHECK(h.log_lines_with("cannot read whmxfer.sqlite") == 1);

  if (kind == "locked") {
    REQUIRE(sqlite3_exec(writer.get(), "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  } else {
    wte::local::testing::write_file(db_file, saved);
  }
  h.source->poll_now();
  CHECK(h.db_up(dir.path()) == 1.0);
  v = h.source->view();
  CHECK(v.last_error_reason.empty());
  CHECK(h.log_lines_with("readable again") == 1);
  // Back on the database: the folder-only session is not in it, and was finished: it stays
  // until its retention ends; the database's sessions carry their state again.
  seen = h.sessions();
  CHECK(seen[tree.id(0)].api_state == "RUNNING");
}

TEST_CASE("an unreadable log is an error on that session only") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 2));
  tree.advance(1, 20);
  std::filesystem::create_directories(tree.session_dir(0) / ".master.log");  // not a file
  Harness h(dir.path());
  h.source->poll_now();
  h.source->poll_now();
  auto seen = h.sessions();
  CHECK(seen[tree.id(0)].last_error.find("not a regular file") != std::string::npos);
  CHECK(seen[tree.id(1)].last_error.empty());
  CHECK(seen[tree.id(1)].summary == summary_of_file(tree.log_path(1)));
  CHECK(h.source->view().up);
  CHECK(h.source->view().last_error_reason == "read");
  CHECK(h.log_lines_with("cannot read a session log") == 1);  // not once per poll
  CHECK(metric_value(h.metrics, "whm_transfer_host_errors_total", "host", "whm-local", "reason",
                     "read") == 2.0);
  // Repaired: the error clears.
  std::filesystem::remove(tree.session_dir(0) / ".master.log");
  tree.advance(0, 5);
  h.source->poll_now();
  seen = h.sessions();
  CHECK(seen[tree.id(0)].last_error.empty());
  CHECK(seen[tree.id(0)].summary == summary_of_file(tree.log_path(0)));
  if (!wte::local::testing::running_as_root()) {
    ::chmod(tree.log_path(1).c_str(), 0);
    tree.advance(1, 1);
    h.source->poll_now();
    CHECK(h.sessions()[tree.id(1)].last_error.find("Permission denied") != std::string::npos);
  } else {
    MESSAGE("running as root: chmod 000 does not stop reads; covered by the directory case");
  }
}

TEST_CASE("a missing sessions folder: host down with a clear message, then up when it appears") {
  TempDir dir;
  const auto root = dir.path() / "transfer_sessions";
  Harness h(root);
  h.source->poll_now();
  auto v = h.source->view();
  CHECK_FALSE(v.up);
  CHECK(v.last_error_reason == "read");
  CHECK(v.last_error_message.find(root.string()) != std::string::npos);
  SessionTree tree(tree_spec(root, 1));
  h.source->poll_now();
  v = h.source->view();
  CHECK(v.up);
  CHECK(v.sessions == 1);
}

TEST_CASE("max_sessions: running and newer sessions first; the rest refused, counted once") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 6));
  for (const std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{2}}) tree.advance(i, 3);
  for (const std::size_t i : {std::size_t{4}, std::size_t{5}}) {
    while (!tree.done(i)) tree.advance(i, 100);
  }
  LocalSettings settings;
  settings.max_sessions = 3;
  Harness h(dir.path(), settings);
  h.now = static_cast<double>(tree.expected(5).last_event_at.value()) + 10;
  h.source->poll_now();
  h.source->poll_now();
  auto seen = h.sessions();
  CHECK(seen.size() == 3);
  // Unfinished first, newest first among them: 3 (PENDING) and 2, 1 (RUNNING) are newer
  // than 0; 4 and 5 have ended.
  CHECK(seen.contains(tree.id(3)));
  CHECK(seen.contains(tree.id(2)));
  CHECK(seen.contains(tree.id(1)));
  CHECK(metric_value(h.metrics, "whm_transfer_dropped_total", "limit", "sessions_per_host") == 3.0);
  CHECK(h.log_lines_with("too many sessions") == 1);
}

TEST_CASE("inotify polls early; the counts are the same as with the timer") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 2, 5));
  LocalSettings settings;
  settings.poll_interval = 1h;  // the timer never fires during the test: only inotify polls
  Harness h(dir.path(), settings);
  h.source->start();
  for (int i = 0; i < 200 && h.source->polls() == 0; ++i) h.io.run_for(50ms);  // the first poll
  REQUIRE(h.source->inotify_active());
  const auto first = h.source->polls();
  CHECK(first == 1);
  tree.advance(0, 10);
  tree.advance(1, 3);
  for (int i = 0; i < 40 && h.source->polls() == first; ++i) h.io.run_for(100ms);
  CHECK(h.source->polls() > first);
  check_matches_disk(h, tree);
  // A session created now is found by the event on the root folder.
  TempDir other;
  auto spec = tree_spec(other.path(), 1, 99);
  SessionTree later(spec);
  later.advance(0, 20);
  std::filesystem::rename(later.session_dir(0), dir.path() / later.id(0));
  tree.table().insert(later.id(0), "copyacct", "a", "b", 20, 1598991042);
  const auto before = h.source->polls();
  for (int i = 0; i < 40 && !h.sessions().contains(later.id(0)); ++i) h.io.run_for(100ms);
  REQUIRE(h.sessions().contains(later.id(0)));  // the database changed: an early poll
  CHECK(h.sessions().at(later.id(0)).summary ==
        summary_of_file(dir.path() / later.id(0) / ".master.log"));
  CHECK(h.source->polls() > before);
  tree.finish_all();
  for (int i = 0; i < 40; ++i) {
    h.io.run_for(100ms);
    const auto seen = h.sessions();
    if (seen.at(tree.id(0)).finished && seen.at(tree.id(1)).finished) break;
  }
  auto seen = h.sessions();
  CHECK(seen.at(tree.id(0)).finished);
  CHECK(seen.at(tree.id(1)).finished);
  check_matches_disk(h, tree);
  h.source->stop();
  h.io.run_for(50ms);
}

TEST_CASE("without inotify the timer polls") {
  TempDir dir;
  SessionTree tree(tree_spec(dir.path(), 1));
  LocalSettings settings;
  settings.poll_interval = 50ms;
  settings.inotify = false;
  Harness h(dir.path(), settings);
  h.source->start();
  h.io.run_for(30ms);
  CHECK_FALSE(h.source->inotify_active());
  tree.advance(0, 25);
  // The database is read on a worker: on a busy machine a poll may take longer than its
  // interval, so wait for the polls (with a deadline), never for a fixed time.
  const auto first = h.source->polls();
  for (int i = 0; i < 200 && h.source->polls() < first + 3; ++i) h.io.run_for(50ms);
  CHECK(h.source->polls() >= first + 3);
  check_matches_disk(h, tree);
  h.source->stop();
  h.io.run_for(10ms);
}

TEST_CASE("update_settings: a new path starts over; the source can be destroyed mid-wait") {
  TempDir a;
  TempDir b;
  SessionTree ta(tree_spec(a.path(), 2));
  SessionTree tb(tree_spec(b.path(), 3, 2));
  LocalSettings settings;
  settings.poll_interval = 20ms;
  Harness h(a.path(), settings);
  h.source->start();
  for (int i = 0; i < 200 && h.sessions().size() != 2; ++i) h.io.run_for(20ms);
  CHECK(h.sessions().size() == 2);
  settings.path = b.path().string();
  settings.host_label = "whm-local";
  h.source->update_settings(settings);
  for (int i = 0; i < 200 && h.sessions().size() != 3; ++i) h.io.run_for(20ms);
  CHECK(h.sessions().size() == 3);
  h.source.reset();  // timers and the inotify wait are pending: nothing may run on a dead source
  h.io.run_for(60ms);
}

// Regression: only the remote source counted lines over max_line_bytes as dropped.
TEST_CASE("lines over the length limit are counted as dropped in local mode too") {
  TempDir dir;
  LocalSettings settings;
  settings.engine_limits.max_line_bytes = 200;
  Harness h(dir.path(), settings);
  const auto session = dir.path() / "vm5docscpanelcopya20140224163412sylG";
  wte::local::testing::write_file(session / ".master.log", R"({"contents":{"action":"start"}})"
                                                           "\n" +
                                                               std::string(500, 'x') + "\n" +
                                                               R"({"contents":{"action":"pause"}})"
                                                               "\n");
  h.source->poll_now();
  CHECK(metric_value(h.metrics, "whm_transfer_dropped_total", "limit", "line_length") == 1.0);
  CHECK(metric_value(h.metrics, "whm_transfer_log_malformed_lines_total", "host", "whm-local") ==
        1.0);
  CHECK(metric_value(h.metrics, "whm_transfer_log_lines_total", "host", "whm-local") == 2.0);
}
