#include "local/session_database.hpp"

#include <doctest/doctest.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "local/sqlite_handle.hpp"
#include "local_test_support.hpp"
#include "session_tree/session_tree.hpp"

using wte::local::DatabaseErrorKind;
using wte::local::SessionDatabase;
using wte::test::TempDir;

namespace {

// A second, writing connection, as cPanel would hold one.
wte::local::SqliteDb open_rw(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  wte::local::SqliteDb db(raw);
  REQUIRE(db);
  return db;
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  const std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

}  // namespace

TEST_CASE("the sessions table is read with states mapped to names") {
  TempDir dir;
  wte::session_tree::SessionTable table(dir.path() / "whmxfer.sqlite");
  table.insert("hostacopya20200901203042abcdefghijkl", "copyacct", "src", "dst", 20, 1598991042);
  table.insert("second_session", "norootcopy", "src2", "dst", 0, 1598991100);
  table.set_state("second_session", 100, 1598999999);

  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE(r.ok());
  REQUIRE(r.value().rows.size() == 2);
  const auto& a = r.value().rows[0].id == "second_session" ? r.value().rows[1] : r.value().rows[0];
  const auto& b = r.value().rows[0].id == "second_session" ? r.value().rows[0] : r.value().rows[1];
  CHECK(a.id == "hostacopya20200901203042abcdefghijkl");
  CHECK(a.state == "RUNNING");
  CHECK(a.initiator == "copyacct");
  CHECK(a.source_host == "src");
  CHECK(a.target_host == "dst");
  CHECK(a.start_time == 1598991042.0);
  CHECK_FALSE(a.end_time.has_value());
  CHECK(b.state == "COMPLETED");
  CHECK(b.end_time == 1598999999.0);
  CHECK(r.value().ignored_rows == 0);
}

TEST_CASE("rows whose id could escape a path are ignored; odd states are kept") {
  TempDir dir;
  const auto file = dir.path() / "whmxfer.sqlite";
  { wte::session_tree::SessionTable table(file); }
  auto db = open_rw(file);
  exec(db.get(),
       "INSERT INTO sessions (sessionid, state) VALUES ('../../etc', 20), ('', 20), "
       "('a b', 20), ('ok1', NULL), ('ok2', 'RESTORE_PENDING'), ('ok3', 999), ('ok4', '150')");
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE(r.ok());
  CHECK(r.value().ignored_rows == 3);
  REQUIRE(r.value().rows.size() == 4);
  std::map<std::string, std::optional<std::string>> states;
  for (const auto& row : r.value().rows) states[row.id] = row.state;
  CHECK_FALSE(states["ok1"].has_value());
  CHECK(states["ok2"] == "RESTORE_PENDING");
  CHECK(states["ok3"] == "UNKNOWN_999");
  CHECK(states["ok4"] == "ABORTED");
}

TEST_CASE("session ids: [0-9A-Za-z_], 1 to 64 characters") {
  CHECK(wte::local::is_session_id("vm5docscpanelcopya20140224163412sylG"));
  CHECK(wte::local::is_session_id(std::string(64, 'a')));
  CHECK_FALSE(wte::local::is_session_id(std::string(65, 'a')));
  CHECK_FALSE(wte::local::is_session_id(""));
  CHECK_FALSE(wte::local::is_session_id(".."));
  CHECK_FALSE(wte::local::is_session_id("a/b"));
  CHECK_FALSE(wte::local::is_session_id(".master.log"));
}

TEST_CASE("a missing database is an error value that names the file") {
  TempDir dir;
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == DatabaseErrorKind::missing);
  CHECK(r.error().message.find("whmxfer.sqlite") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "whmxfer.sqlite"));  // never created
}

TEST_CASE("a file that is not a database is reported corrupt") {
  TempDir dir;
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 7 + 3);
  wte::local::testing::write_file(dir.path() / "whmxfer.sqlite", garbage);
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == DatabaseErrorKind::corrupt);
  CHECK(r.error().message.find("not a database") != std::string::npos);
}

TEST_CASE("a database without the sessions table is a schema error") {
  TempDir dir;
  {
    auto db = open_rw(dir.path() / "whmxfer.sqlite");
    exec(db.get(), "CREATE TABLE other (x)");
  }
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == DatabaseErrorKind::schema);
  CHECK(r.error().message.find("no such table: sessions") != std::string::npos);
}

TEST_CASE("an exclusive lock is waited on only for the busy timeout") {
  TempDir dir;
  const auto file = dir.path() / "whmxfer.sqlite";
  {
    wte::session_tree::SessionTable table(file);
    table.insert("s1", "i", "a", "b", 20, 1);
  }
  auto writer = open_rw(file);
  exec(writer.get(), "BEGIN EXCLUSIVE");
  const auto started = std::chrono::steady_clock::now();
  const auto locked = SessionDatabase(dir.path(), std::chrono::milliseconds(100)).read();
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error().kind == DatabaseErrorKind::locked);
  CHECK(locked.error().message.find("locked") != std::string::npos);
  CHECK(took >= std::chrono::milliseconds(90));
  CHECK(took < std::chrono::seconds(2));
  exec(writer.get(), "COMMIT");
  const auto again = SessionDatabase(dir.path()).read();
  REQUIRE(again.ok());
  CHECK(again.value().rows.size() == 1);
}

TEST_CASE("reading never writes: a read-only file is read, nothing is created") {
  TempDir dir;
  const auto file = dir.path() / "whmxfer.sqlite";
  {
    wte::session_tree::SessionTable table(file);
    table.insert("s1", "i", "a", "b", 0, 1);
  }
  const auto before = wte::local::testing::read_file(file);
  ::chmod(file.c_str(), 0444);
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE(r.ok());
  CHECK(r.value().rows.size() == 1);
  CHECK(wte::local::testing::read_file(file) == before);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);  // no journal, no -wal, no -shm
}

TEST_CASE("the URI escapes what URIs reserve and asks for read-only") {
  CHECK(wte::local::read_only_uri("/var/cpanel/transfer_sessions/whmxfer.sqlite") ==
        "file:/var/cpanel/transfer_sessions/whmxfer.sqlite?mode=ro");
  CHECK(wte::local::read_only_uri("/tmp/a?b#c%d e/x") == "file:/tmp/a%3Fb%23c%25d%20e/x?mode=ro");
}

TEST_CASE("a directory full of odd characters still opens") {
  TempDir dir;
  const auto odd = dir.path() / "we?ird #dir%";
  std::filesystem::create_directories(odd);
  {
    wte::session_tree::SessionTable table(odd / "whmxfer.sqlite");
    table.insert("s", "i", "a", "b", 70, 1);
  }
  const auto r = SessionDatabase(odd).read();
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  REQUIRE(r.value().rows.size() == 1);
  CHECK(r.value().rows[0].state == "PAUSED");
}

namespace {

std::set<std::string> entries_of(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

// A WAL-mode database with one committed row, and every connection closed: only the file.
std::filesystem::path wal_database(const std::filesystem::path& dir) {
  const auto file = dir / "whmxfer.sqlite";
  {
    wte::session_tree::SessionTable table(file);
    table.insert("s1", "i", "a", "b", 20, 1);
  }
  {
    auto db = open_rw(file);
    exec(db.get(), "PRAGMA journal_mode=WAL");
  }
  return file;
}

// cPanel at work: a connection that keeps committed rows in the -wal (never checkpointed).
wte::local::SqliteDb writer_with_rows_in_wal(const std::filesystem::path& file) {
  auto db = open_rw(file);
  exec(db.get(), "PRAGMA wal_autocheckpoint=0");
  exec(db.get(), "INSERT INTO sessions (sessionid, state) VALUES ('only_in_wal', 100)");
  return db;
}

std::set<std::string> ids_of(const wte::local::DatabaseRead& r) {
  std::set<std::string> ids;
  for (const auto& row : r.value().rows) ids.insert(row.id);
  return ids;
}

// Runs `read` in a child process as the unprivileged user nobody; its result comes back
// as the ids it read ("" and the error when it failed).
std::string read_as_nobody(const std::filesystem::path& dir) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    std::string out;
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
      out = "ERROR cannot become nobody";
    } else {
      const auto r = SessionDatabase(dir).read();
      if (r.ok()) {
        for (const auto& id : ids_of(r)) out += id + " ";
      } else {
        out = "ERROR " + r.error().message;
      }
    }
    [[maybe_unused]] const auto n = ::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buffer[512];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
    out.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return out;
}

}  // namespace

TEST_CASE("a WAL database with no -wal or -shm is read without creating them") {
  TempDir dir;
  wal_database(dir.path());
  REQUIRE(entries_of(dir.path()) == std::set<std::string>{"whmxfer.sqlite"});
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  CHECK(ids_of(r) == std::set<std::string>{"s1"});
  CHECK(entries_of(dir.path()) == std::set<std::string>{"whmxfer.sqlite"});
}

TEST_CASE("rows cPanel keeps in the -wal are read, and -wal and -shm are left untouched") {
  TempDir dir;
  const auto file = wal_database(dir.path());
  auto writer = writer_with_rows_in_wal(file);
  const auto before = entries_of(dir.path());
  CHECK(before ==
        std::set<std::string>{"whmxfer.sqlite", "whmxfer.sqlite-shm", "whmxfer.sqlite-wal"});
  const auto shm = wte::local::testing::read_file(dir.path() / "whmxfer.sqlite-shm");
  const auto wal = wte::local::testing::read_file(dir.path() / "whmxfer.sqlite-wal");
  for (int i = 0; i < 3; ++i) {
    const auto r = SessionDatabase(dir.path()).read();
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    CHECK(ids_of(r) == std::set<std::string>{"s1", "only_in_wal"});
  }
  CHECK(entries_of(dir.path()) == before);
  CHECK(wte::local::testing::read_file(dir.path() / "whmxfer.sqlite-shm") == shm);
  CHECK(wte::local::testing::read_file(dir.path() / "whmxfer.sqlite-wal") == wal);
  // A transaction cPanel has not committed holds no lock we wait for: the committed rows.
  exec(writer.get(), "BEGIN IMMEDIATE");
  exec(writer.get(), "INSERT INTO sessions (sessionid, state) VALUES ('uncommitted', 20)");
  const auto started = std::chrono::steady_clock::now();
  const auto during = SessionDatabase(dir.path(), std::chrono::milliseconds(2000)).read();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1000));
  REQUIRE(during.ok());
  CHECK(ids_of(during) == std::set<std::string>{"s1", "only_in_wal"});
  exec(writer.get(), "COMMIT");
}

TEST_CASE("as an unprivileged user that cannot write the folder, a WAL database is read") {
  if (!wte::local::testing::running_as_root()) return;  // needs to become another user
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);  // readable by all, writable by root only (as cPanel's)
  const auto file = wal_database(dir.path());
  ::chmod(file.c_str(), 0644);
  CHECK(read_as_nobody(dir.path()) == "s1 ");
  CHECK(entries_of(dir.path()) == std::set<std::string>{"whmxfer.sqlite"});
  auto writer = writer_with_rows_in_wal(file);
  for (const char* side : {"whmxfer.sqlite-wal", "whmxfer.sqlite-shm"}) {
    ::chmod((dir.path() / side).c_str(), 0644);
  }
  const auto shm = wte::local::testing::read_file(dir.path() / "whmxfer.sqlite-shm");
  CHECK(read_as_nobody(dir.path()) == "only_in_wal s1 ");
  CHECK(wte::local::testing::read_file(dir.path() / "whmxfer.sqlite-shm") == shm);
}

TEST_CASE("read_async: a locked database never holds up the event loop") {
  TempDir dir;
  const auto file = dir.path() / "whmxfer.sqlite";
  {
    wte::session_tree::SessionTable table(file);
    table.insert("s1", "i", "a", "b", 20, 1);
  }
  auto writer = open_rw(file);
  exec(writer.get(), "BEGIN EXCLUSIVE");
  boost::asio::io_context io;
  const SessionDatabase database(dir.path(), std::chrono::milliseconds(300));
  std::optional<wte::local::DatabaseRead> result;
  const auto started = std::chrono::steady_clock::now();
  database.read_async(io, [&](wte::local::DatabaseRead r) { result = std::move(r); });
  CHECK_FALSE(result);  // never inline
  // The loop keeps turning while the worker waits for the lock: a 10 ms tick keeps ticking.
  int ticks = 0;
  std::chrono::steady_clock::duration longest_gap{};
  auto last = std::chrono::steady_clock::now();
  boost::asio::steady_timer tick(io);
  std::function<void()> arm = [&] {
    tick.expires_after(std::chrono::milliseconds(10));
    tick.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      const auto now = std::chrono::steady_clock::now();
      longest_gap = std::max(longest_gap, now - last);
      last = now;
      ++ticks;
      if (!result) arm();
    });
  };
  arm();
  while (!result && std::chrono::steady_clock::now() - started < std::chrono::seconds(20)) {
    io.run_for(std::chrono::milliseconds(50));
  }
  REQUIRE(result);
  CHECK(result->error().kind == DatabaseErrorKind::locked);
  CHECK(ticks >= 5);
  CHECK(longest_gap < std::chrono::milliseconds(250));  // the read took 300 ms and more
  exec(writer.get(), "COMMIT");

  // Unlocked: the rows arrive on the loop.
  result.reset();
  database.read_async(io, [&](wte::local::DatabaseRead r) { result = std::move(r); });
  while (!result && std::chrono::steady_clock::now() - started < std::chrono::seconds(20)) {
    io.restart();
    io.run_for(std::chrono::milliseconds(50));
  }
  REQUIRE(result);
  REQUIRE(result->ok());
  CHECK(ids_of(*result) == std::set<std::string>{"s1"});
}

TEST_CASE("read_async: a database destroyed before its answer drops the answer") {
  TempDir dir;
  {
    wte::session_tree::SessionTable table(dir.path() / "whmxfer.sqlite");
    table.insert("s1", "i", "a", "b", 20, 1);
  }
  boost::asio::io_context io;
  int answers = 0;
  {
    const SessionDatabase database(dir.path());
    for (int i = 0; i < 5; ++i)
      database.read_async(io, [&](wte::local::DatabaseRead) { ++answers; });
  }
  io.run_for(std::chrono::milliseconds(300));
  CHECK(answers == 0);
}

TEST_CASE("read_async holds the loop's work: run() returns only once the answer is in") {
  TempDir dir;
  {
    wte::session_tree::SessionTable table(dir.path() / "whmxfer.sqlite");
    table.insert("s1", "i", "a", "b", 20, 1);
  }
  boost::asio::io_context io;
  const SessionDatabase database(dir.path());
  std::optional<wte::local::DatabaseRead> result;
  database.read_async(io, [&](wte::local::DatabaseRead r) { result = std::move(r); });
  io.run();  // without work of its own in flight, the loop would stop at once
  REQUIRE(result);
  REQUIRE(result->ok());
  CHECK(ids_of(*result) == std::set<std::string>{"s1"});
}
