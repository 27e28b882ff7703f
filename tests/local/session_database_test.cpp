#include "local/session_database.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <map>

#include "local/sqlite_handle.hpp"
#include "local_test_support.hpp"
#include "session_tree/session_tree.hpp"

using wte::local::DatabaseErrorKind;
using wte::local::SessionDatabase;
using wte::local::testing::TempDir;

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
  REQUIRE(r.rows.size() == 2);
  const auto& a = r.rows[0].id == "second_session" ? r.rows[1] : r.rows[0];
  const auto& b = r.rows[0].id == "second_session" ? r.rows[0] : r.rows[1];
  CHECK(a.id == "hostacopya20200901203042abcdefghijkl");
  CHECK(a.state == "RUNNING");
  CHECK(a.initiator == "copyacct");
  CHECK(a.source_host == "src");
  CHECK(a.target_host == "dst");
  CHECK(a.start_time == 1598991042.0);
  CHECK_FALSE(a.end_time.has_value());
  CHECK(b.state == "COMPLETED");
  CHECK(b.end_time == 1598999999.0);
  CHECK(r.ignored_rows == 0);
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
  CHECK(r.ignored_rows == 3);
  REQUIRE(r.rows.size() == 4);
  std::map<std::string, std::optional<std::string>> states;
  for (const auto& row : r.rows) states[row.id] = row.state;
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
  CHECK(r.error->kind == DatabaseErrorKind::missing);
  CHECK(r.error->message.find("whmxfer.sqlite") != std::string::npos);
  CHECK(r.rows.empty());
  CHECK_FALSE(std::filesystem::exists(dir.path() / "whmxfer.sqlite"));  // never created
}

TEST_CASE("a file that is not a database is reported corrupt") {
  TempDir dir;
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 7 + 3);
  wte::local::testing::write_file(dir.path() / "whmxfer.sqlite", garbage);
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->kind == DatabaseErrorKind::corrupt);
  CHECK(r.error->message.find("not a database") != std::string::npos);
}

TEST_CASE("a database without the sessions table is a schema error") {
  TempDir dir;
  {
    auto db = open_rw(dir.path() / "whmxfer.sqlite");
    exec(db.get(), "CREATE TABLE other (x)");
  }
  const auto r = SessionDatabase(dir.path()).read();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->kind == DatabaseErrorKind::schema);
  CHECK(r.error->message.find("no such table: sessions") != std::string::npos);
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
  CHECK(locked.error->kind == DatabaseErrorKind::locked);
  CHECK(locked.error->message.find("locked") != std::string::npos);
  CHECK(took >= std::chrono::milliseconds(90));
  CHECK(took < std::chrono::seconds(2));
  exec(writer.get(), "COMMIT");
  const auto again = SessionDatabase(dir.path()).read();
  REQUIRE(again.ok());
  CHECK(again.rows.size() == 1);
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
  CHECK(r.rows.size() == 1);
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
  REQUIRE_MESSAGE(r.ok(), (r.error ? r.error->message : ""));
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].state == "PAUSED");
}
