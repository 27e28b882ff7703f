#include "local/session_database.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "local/sqlite_handle.hpp"
#include "log/session_state.hpp"

namespace wte::local {

namespace {

constexpr const char* kSelect =
    "SELECT sessionid, initiator, creator, pid, version, target_host, source_host, state, "
    "starttime, endtime FROM sessions";

bool is_id_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

std::string column_text(sqlite3_stmt* stmt, int col) {
  const auto* text = sqlite3_column_text(stmt, col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, col)));
}

std::optional<long long> parse_integer(std::string_view s) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<long long> column_integer(sqlite3_stmt* stmt, int col) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(stmt, col);
    case SQLITE_TEXT:
      return parse_integer(column_text(stmt, col));
    default:
      return std::nullopt;
  }
}

std::optional<double> column_number(sqlite3_stmt* stmt, int col) {
  const int type = sqlite3_column_type(stmt, col);
  if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) return sqlite3_column_double(stmt, col);
  if (type == SQLITE_TEXT) {
    if (const auto v = parse_integer(column_text(stmt, col))) return static_cast<double>(*v);
  }
  return std::nullopt;
}

// The state column holds an integer; a name stored as text is kept as it is.
std::optional<std::string> column_state(sqlite3_stmt* stmt, int col) {
  if (sqlite3_column_type(stmt, col) == SQLITE_NULL) return std::nullopt;
  if (const auto v = column_integer(stmt, col)) return log::state_from_db_integer(*v);
  std::string text = column_text(stmt, col);
  if (text.empty()) return std::nullopt;
  return text;
}

SessionRow row_of(sqlite3_stmt* stmt) {
  SessionRow r;
  r.id = column_text(stmt, 0);
  r.initiator = column_text(stmt, 1);
  r.creator = column_text(stmt, 2);
  r.pid = column_integer(stmt, 3);
  r.version = column_text(stmt, 4);
  r.target_host = column_text(stmt, 5);
  r.source_host = column_text(stmt, 6);
  r.state = column_state(stmt, 7);
  r.start_time = column_number(stmt, 8);
  r.end_time = column_number(stmt, 9);
  return r;
}

DatabaseErrorKind kind_of(int code, std::string_view message) noexcept {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return DatabaseErrorKind::locked;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return DatabaseErrorKind::corrupt;
    default:
      break;
  }
  if (message.find("no such table") != std::string_view::npos ||
      message.find("no such column") != std::string_view::npos) {
    return DatabaseErrorKind::schema;
  }
  return DatabaseErrorKind::unreadable;
}

DatabaseRead failure(DatabaseErrorKind kind, std::string message) {
  DatabaseRead r;
  r.error = DatabaseError{kind, std::move(message)};
  return r;
}

DatabaseRead sqlite_failure(const std::filesystem::path& file, sqlite3* db, int code) {
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  const DatabaseErrorKind kind = kind_of(code, message);
  std::string text = file.string() + ": " + message;
  if (kind == DatabaseErrorKind::locked) text += " (still locked after the busy timeout)";
  return failure(kind, std::move(text));
}

}  // namespace

bool is_session_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

std::string_view to_string(DatabaseErrorKind kind) noexcept {
  switch (kind) {
    case DatabaseErrorKind::missing:
      return "missing";
    case DatabaseErrorKind::locked:
      return "locked";
    case DatabaseErrorKind::corrupt:
      return "corrupt";
    case DatabaseErrorKind::schema:
      return "schema";
    case DatabaseErrorKind::unreadable:
      return "unreadable";
  }
  return "unreadable";
}

std::string read_only_uri(const std::filesystem::path& file) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (const char c : file.string()) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '%' || c == '?' || c == '#' || u < 0x21 || u > 0x7e) {
      uri += '%';
      uri += kHex[u >> 4];
      uri += kHex[u & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?mode=ro";
}

SessionDatabase::SessionDatabase(std::filesystem::path dir, std::chrono::milliseconds busy_timeout)
    : file_(std::move(dir) / kDatabaseFile), busy_timeout_(busy_timeout) {}

DatabaseRead SessionDatabase::read() const {
  // SQLite would report a missing file as a generic "unable to open": say it plainly.
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      return failure(DatabaseErrorKind::missing, file_.string() + " does not exist");
    return failure(DatabaseErrorKind::unreadable, file_.string() + ": " + std::strerror(err));
  }
  sqlite3* raw = nullptr;
  const int open_rc = sqlite3_open_v2(read_only_uri(file_).c_str(), &raw,
                                      SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  const SqliteDb db(raw);  // sqlite3_open_v2 may hand back a handle even when it fails
  if (open_rc != SQLITE_OK) return sqlite_failure(file_, db.get(), open_rc);
  sqlite3_busy_timeout(db.get(), static_cast<int>(busy_timeout_.count()));

  sqlite3_stmt* raw_stmt = nullptr;
  const int prep_rc = sqlite3_prepare_v2(db.get(), kSelect, -1, &raw_stmt, nullptr);
  const SqliteStatement stmt(raw_stmt);
  if (prep_rc != SQLITE_OK) return sqlite_failure(file_, db.get(), prep_rc);

  DatabaseRead result;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return sqlite_failure(file_, db.get(), rc);
    SessionRow row = row_of(stmt.get());
    if (is_session_id(row.id)) {
      result.rows.push_back(std::move(row));
    } else {
      ++result.ignored_rows;
    }
  }
  return result;
}

}  // namespace wte::local
