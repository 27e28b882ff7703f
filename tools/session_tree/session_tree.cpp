#include "session_tree/session_tree.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "local/session_database.hpp"
#include "loggen/json_text.hpp"
#include "loggen/session_id.hpp"

namespace wte::session_tree {

namespace {

// The columns cPanel's table has (docs/LOG-FORMAT.md section 1).
constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS sessions (sessionid TEXT PRIMARY KEY, initiator TEXT, "
    "creator TEXT, pid INTEGER, version TEXT, target_host TEXT, source_host TEXT, "
    "state INTEGER, starttime INTEGER, endtime INTEGER)";

struct StateNumber {
  std::string_view name;
  int value;
};
constexpr std::array<StateNumber, 9> kStates = {{{"PENDING", 0},
                                                 {"REACHEDMAXMEM", 10},
                                                 {"RUNNING", 20},
                                                 {"PAUSING", 50},
                                                 {"ABORTING", 60},
                                                 {"PAUSED", 70},
                                                 {"COMPLETED", 100},
                                                 {"ABORTED", 150},
                                                 {"FAILED", 200}}};

void check(int rc, sqlite3* db, std::string_view what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

local::SqliteStatement prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  check(sqlite3_prepare_v2(db, sql, -1, &raw, nullptr), db, sql);
  return local::SqliteStatement(raw);
}

void bind_text(sqlite3_stmt* stmt, int col, std::string_view text) {
  sqlite3_bind_text(stmt, col, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void append_lines(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

std::optional<int> state_integer(std::string_view name) noexcept {
  for (const auto& s : kStates) {
    if (s.name == name) return s.value;
  }
  return std::nullopt;
}

// ---- SessionTable ----------------------------------------------------------------------

SessionTable::SessionTable(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error("cannot open " + file.string() + ": " +
                             (db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db_.get(), 5000);
  exec(kCreateTable);
}

void SessionTable::exec(const char* sql) {
  check(sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr), db_.get(), sql);
}

void SessionTable::insert(std::string_view id, std::string_view initiator,
                          std::string_view source_host, std::string_view target_host, int state,
                          std::int64_t start_time) {
  const auto stmt = prepare(db_.get(),
                            "INSERT INTO sessions (sessionid, initiator, creator, pid, version, "
                            "target_host, source_host, state, starttime, endtime) "
                            "VALUES (?1, ?2, 'root', 4242, '2.3', ?3, ?4, ?5, ?6, NULL)");
  bind_text(stmt.get(), 1, id);
  bind_text(stmt.get(), 2, initiator);
  bind_text(stmt.get(), 3, target_host);
  bind_text(stmt.get(), 4, source_host);
  sqlite3_bind_int(stmt.get(), 5, state);
  sqlite3_bind_int64(stmt.get(), 6, start_time);
  check(sqlite3_step(stmt.get()), db_.get(), "insert session");
}

void SessionTable::set_state(std::string_view id, int state, std::optional<std::int64_t> end_time) {
  const auto stmt =
      prepare(db_.get(), "UPDATE sessions SET state = ?1, endtime = ?2 WHERE sessionid = ?3");
  sqlite3_bind_int(stmt.get(), 1, state);
  if (end_time) {
    sqlite3_bind_int64(stmt.get(), 2, *end_time);
  } else {
    sqlite3_bind_null(stmt.get(), 2);
  }
  bind_text(stmt.get(), 3, id);
  check(sqlite3_step(stmt.get()), db_.get(), "update session state");
}

void SessionTable::remove(std::string_view id) {
  const auto stmt = prepare(db_.get(), "DELETE FROM sessions WHERE sessionid = ?1");
  bind_text(stmt.get(), 1, id);
  check(sqlite3_step(stmt.get()), db_.get(), "delete session");
}

// ---- SessionTree -------------------------------------------------------------------------

SessionTree::SessionTree(TreeSpec spec)
    : spec_((std::filesystem::create_directories(spec.dir), std::move(spec))),
      table_(spec_.dir / local::kDatabaseFile) {
  for (std::size_t i = 0; i < spec_.sessions; ++i) {
    Session s;
    s.start_time = spec_.start_time + static_cast<std::int64_t>(60 * i);
    const std::uint64_t seed = loggen::mix_seed(spec_.seed, i);
    s.id = loggen::make_session_id(spec_.source_host, "copyacct", s.start_time, seed);
    loggen::LogSpec log;
    log.accounts = spec_.accounts;
    log.end_state = spec_.end_state;
    log.seed = seed;
    log.start_time = s.start_time;
    log.remote_host = spec_.source_host;
    s.generator = std::make_unique<loggen::LogGenerator>(log);
    std::filesystem::create_directories(spec_.dir / s.id);
    table_.insert(s.id, "copyacct", spec_.source_host, spec_.target_host, 0, s.start_time);
    sessions_.push_back(std::move(s));
  }
}

SessionTree::~SessionTree() = default;

std::filesystem::path SessionTree::session_dir(std::size_t i) const {
  return spec_.dir / sessions_.at(i).id;
}

std::filesystem::path SessionTree::log_path(std::size_t i) const {
  return session_dir(i) /
         (sessions_.at(i).done && spec_.end_state != "RUNNING" ? "master.log" : ".master.log");
}

const loggen::Expected& SessionTree::expected(std::size_t i) const {
  return sessions_.at(i).generator->expected();
}

bool SessionTree::all_done() const noexcept {
  for (const auto& s : sessions_) {
    if (!s.done) return false;
  }
  return true;
}

std::size_t SessionTree::advance(std::size_t i, std::size_t lines) {
  Session& s = sessions_.at(i);
  if (s.done) return 0;
  std::string text;
  std::string line;
  std::size_t written = 0;
  bool over = false;
  while (written < lines) {
    if (!s.generator->next(line)) {
      over = true;
      break;
    }
    text += line;
    text += '\n';
    ++written;
  }
  if (written > 0) {
    append_lines(session_dir(i) / ".master.log", text);
    if (!s.running) {
      s.running = true;
      table_.set_state(s.id, *state_integer("RUNNING"), std::nullopt);
    }
  }
  if (over) end(s);
  return written;
}

// cPanel's order: the log is complete and renamed (same inode), then the row says so.
void SessionTree::end(Session& s) {
  s.done = true;
  const auto state = state_integer(spec_.end_state);
  if (!state || spec_.end_state == "RUNNING") return;  // a session that never ends
  const auto dir = spec_.dir / s.id;
  if (std::filesystem::exists(dir / ".master.log"))
    std::filesystem::rename(dir / ".master.log", dir / "master.log");
  const auto last = s.generator->expected().last_event_at;
  table_.set_state(s.id, *state, last.value_or(s.start_time));
}

void SessionTree::finish_all() {
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    while (!done(i)) advance(i, 10000);
  }
}

}  // namespace wte::session_tree
