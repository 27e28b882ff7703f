#pragma once
// The `sessions` table of whmxfer.sqlite, the list of transfer sessions cPanel keeps on a
// WHM server (docs/LOG-FORMAT.md section 1). Opened read-only and never waited on for long:
// cPanel owns the file, the exporter must never write it or hold cPanel up.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wte::local {

inline constexpr std::string_view kDatabaseFile = "whmxfer.sqlite";

// True for 1..64 characters, each of [0-9A-Za-z_]: the only ids put into a path.
bool is_session_id(std::string_view id) noexcept;

struct SessionRow {
  std::string id;
  std::optional<std::string> state;  // state name (log::state_from_db_integer); NULL -> nullopt
  std::string initiator;
  std::string creator;
  std::optional<long long> pid;
  std::string version;
  std::string target_host;
  std::string source_host;
  std::optional<double> start_time;  // Unix seconds, when the column holds a number
  std::optional<double> end_time;
};

enum class DatabaseErrorKind { missing, locked, corrupt, schema, unreadable };
std::string_view to_string(DatabaseErrorKind kind) noexcept;

struct DatabaseError {
  DatabaseErrorKind kind;
  std::string message;  // says which file and what went wrong
};

struct DatabaseRead {
  std::vector<SessionRow> rows;
  std::size_t ignored_rows = 0;        // rows whose id is not a session id
  std::optional<DatabaseError> error;  // set: the table could not be read, rows is empty
  bool ok() const noexcept { return !error.has_value(); }
};

class SessionDatabase {
 public:
  // `dir` is the transfer_sessions folder; the file is dir/whmxfer.sqlite.
  explicit SessionDatabase(std::filesystem::path dir,
                           std::chrono::milliseconds busy_timeout = std::chrono::milliseconds(200));

  // Opens the file read-only, reads every row and closes it again: a file replaced or
  // repaired between polls is simply read afresh. Waits at most busy_timeout for a lock.
  DatabaseRead read() const;
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
  std::chrono::milliseconds busy_timeout_;
};

// A `file:` URI for sqlite3_open_v2 with `?mode=ro`; escapes what URIs reserve.
std::string read_only_uri(const std::filesystem::path& file);

}  // namespace wte::local
