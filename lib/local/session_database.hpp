#pragma once
// The `sessions` table of whmxfer.sqlite, the list of transfer sessions cPanel keeps on a
// WHM server (docs/LOG-FORMAT.md section 1). Read without writing anything into cPanel's folder and
// never waited on for long: cPanel owns the file, the exporter must never write it, create
// files beside it or hold cPanel up.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error/result.hpp"

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

struct DatabaseRows {
  std::vector<SessionRow> rows;
  std::size_t ignored_rows = 0;  // rows whose id is not a session id
};

// The rows, or why the table could not be read (its kind is a metric label).
using DatabaseRead = Result<DatabaseRows, DatabaseError>;

// How it reads without ever writing into cPanel's folder: SQLite itself cannot promise that.
// A WAL-mode database opened even read-only makes SQLite create whmxfer.sqlite-wal and -shm
// beside it when they are missing (as root; as another user it cannot, and the database is
// unreadable), and rewrite -shm on every read. `immutable=1` writes nothing but ignores the
// WAL, so it shows stale data; `nolock=1` still needs -shm. So each read copies the database
// (and its -wal and -journal, if any) into a private temporary folder, with the files
// opened read-only, and SQLite reads the copy:
//  - the copy is taken under a reader's SHARED lock on the database file, taken through
//    SQLite's own VFS on a read-only descriptor (a lock writes nothing): no writer changes
//    the file in rollback-journal mode meanwhile;
//  - in WAL mode writers only append to the -wal, and a checkpoint only writes pages whose
//    frames are in it; the -wal header is read before the database is copied and compared
//    with the copy's: unchanged means no WAL restart in between, so every page a concurrent
//    checkpoint wrote is also in the copied WAL, which wins over the database pages: the
//    copy is a consistent snapshot. A changed header (rare) means copy again.
// A lock held by a writer is waited for at most busy_timeout; no lock is ever waited on by
// SQLite.
class SessionDatabase {
 public:
  // `dir` is the transfer_sessions folder; the file is dir/whmxfer.sqlite. The private
  // copies go into `scratch` (the temporary folder, $TMPDIR or /tmp, when empty).
  explicit SessionDatabase(std::filesystem::path dir,
                           std::chrono::milliseconds busy_timeout = std::chrono::milliseconds(200),
                           std::filesystem::path scratch = {});

  // Reads every row on the caller's thread, waiting at most busy_timeout for a writer's
  // lock: a file replaced or repaired between polls is simply read afresh.
  DatabaseRead read() const;

  // The same on a worker thread of its own (one per SessionDatabase and its copies), then
  // `done` runs on `io`: the event loop never waits for a lock or a copy. Reads run one at a
  // time in order. When the last copy of this object is destroyed, reads not yet delivered
  // are dropped (their `done` never runs; destruction waits for one in progress).
  void read_async(boost::asio::io_context& io, std::function<void(DatabaseRead)> done) const;

  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  struct Worker;

  std::filesystem::path file_;
  std::chrono::milliseconds busy_timeout_;
  std::filesystem::path scratch_;
  mutable std::shared_ptr<Worker> worker_;  // started by the first read_async
};

// A `file:` URI for sqlite3_open_v2 with `?mode=ro`; escapes what URIs reserve. (Not used
// for cPanel's file any more: see SessionDatabase.)
std::string read_only_uri(const std::filesystem::path& file);

}  // namespace wte::local
