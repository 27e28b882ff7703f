#include "local/session_database.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

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
  return DatabaseError{kind, std::move(message)};
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

namespace {

constexpr std::size_t kWalHeaderBytes = 32;
constexpr int kCopyAttempts = 3;

// The database file opened through SQLite's own VFS, read-only: its xLock takes a reader's
// SHARED lock exactly as SQLite does (through PENDING, so a stream of readers cannot starve
// cPanel's writer), and its bookkeeping of this process's POSIX locks means our closing the
// file never drops a lock another connection of the process holds (a plain close() would).
class VfsFile {
 public:
  explicit VfsFile(const std::filesystem::path& file)
      : path_(std::filesystem::absolute(file).string()),
        vfs_(sqlite3_vfs_find(nullptr)),
        storage_(vfs_ != nullptr
                     ? (static_cast<std::size_t>(vfs_->szOsFile) + sizeof(std::max_align_t) - 1) /
                           sizeof(std::max_align_t)
                     : 0) {
    if (vfs_ == nullptr) return;
    int out_flags = 0;
    rc_ = vfs_->xOpen(vfs_, path_.c_str(), file_(), SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB,
                      &out_flags);
  }
  ~VfsFile() {
    if (vfs_ == nullptr || file_()->pMethods == nullptr) return;
    if (locked_) file_()->pMethods->xUnlock(file_(), SQLITE_LOCK_NONE);
    file_()->pMethods->xClose(file_());
  }
  VfsFile(const VfsFile&) = delete;
  VfsFile& operator=(const VfsFile&) = delete;

  bool open() const noexcept { return vfs_ != nullptr && rc_ == SQLITE_OK; }
  int error() const noexcept { return vfs_ == nullptr ? SQLITE_ERROR : rc_; }

  // SQLITE_OK, SQLITE_BUSY (a writer holds it) or an error.
  int lock_shared() {
    const int rc = file_()->pMethods->xLock(file_(), SQLITE_LOCK_SHARED);
    locked_ = rc == SQLITE_OK;
    return rc;
  }

  // Copies the whole file into `to`. The error says what went wrong.
  Status<> copy_to(const std::filesystem::path& to) {
    sqlite3_int64 size = 0;
    if (file_()->pMethods->xFileSize(file_(), &size) != SQLITE_OK) {
      return Error{"cannot get its size"};
    }
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    std::vector<char> buffer(64 * 1024);
    for (sqlite3_int64 at = 0; at < size;) {
      const int n = static_cast<int>(std::min<sqlite3_int64>(size - at, 64 * 1024));
      if (file_()->pMethods->xRead(file_(), buffer.data(), n, at) != SQLITE_OK) {
        return Error{"cannot read it at byte " + std::to_string(at)};
      }
      out.write(buffer.data(), n);
      at += n;
    }
    out.close();
    if (!out) return Error{"cannot write " + to.string()};
    return done;
  }

 private:
  sqlite3_file* file_() { return reinterpret_cast<sqlite3_file*>(storage_.data()); }

  std::string path_;  // SQLite keeps a pointer to it while the file is open
  sqlite3_vfs* vfs_;
  std::vector<std::max_align_t> storage_;  // the VFS's file object (szOsFile bytes, aligned)
  int rc_ = SQLITE_ERROR;
  bool locked_ = false;
};

class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

Fd open_read_only(const std::filesystem::path& file) {
  return Fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK));
}

// Copies `from` (open) into a new file `to`. The error gives the OS's reason.
Status<> copy_into(int from, const std::filesystem::path& to) {
  const Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) return Error{"cannot create " + to.string() + ": " + std::strerror(errno)};
  std::array<char, 64 * 1024> buffer{};
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(from, buffer.data(), buffer.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::string("cannot read: ") + std::strerror(errno)};
    if (n == 0) return done;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w =
          ::write(out.get(), buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Error{"cannot write " + to.string() + ": " + std::strerror(errno)};
      done += w;
    }
    at += n;
  }
}

// The first 32 bytes of a -wal (magic, checkpoint sequence, salts, checksums); nullopt when
// there is no WAL, or nothing in it yet.
std::optional<std::array<char, kWalHeaderBytes>> wal_header(const std::filesystem::path& file) {
  const Fd fd = open_read_only(file);
  if (fd.get() < 0) return std::nullopt;
  std::array<char, kWalHeaderBytes> header{};
  if (::pread(fd.get(), header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
    return std::nullopt;
  }
  return header;
}

// A folder of our own, removed with everything in it when the read is over.
class PrivateFolder {
 public:
  explicit PrivateFolder(const std::filesystem::path& parent) {
    std::string pattern = (parent / "whm_transfer_exporter-db-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~PrivateFolder() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

enum class CopyOutcome { copied, locked, changing };

// One attempt at a consistent copy of `file` (+ -journal, -wal) into `into`; an error when
// the files cannot be read or written.
Result<CopyOutcome> copy_snapshot(const std::filesystem::path& file,
                                  const std::filesystem::path& into,
                                  std::chrono::steady_clock::time_point lock_deadline) {
  VfsFile db(file);
  if (!db.open()) return Error{file.string() + ": " + sqlite3_errstr(db.error())};
  for (int rc = db.lock_shared(); rc != SQLITE_OK; rc = db.lock_shared()) {
    if ((rc & 0xff) != SQLITE_BUSY) {
      return Error{file.string() + ": cannot lock it: " + sqlite3_errstr(rc)};
    }
    if (std::chrono::steady_clock::now() >= lock_deadline) return CopyOutcome::locked;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::filesystem::path copy = into / kDatabaseFile;
  const auto wal_before = wal_header(file.string() + "-wal");
  if (auto copied = db.copy_to(copy); !copied.ok()) {
    return Error{file.string() + ": " + copied.error().message};
  }
  // Plain descriptors are fine for these: SQLite holds no POSIX lock on them.
  for (const char* suffix : {"-journal", "-wal"}) {
    const Fd side = open_read_only(file.string() + suffix);
    if (side.get() < 0) continue;  // none: nothing to copy
    if (auto copied = copy_into(side.get(), copy.string() + suffix); !copied.ok())
      return copied.error();
  }
  return wal_header(copy.string() + "-wal") == wal_before ? CopyOutcome::copied
                                                          : CopyOutcome::changing;
}

DatabaseRead query(const std::filesystem::path& original, const std::filesystem::path& copy) {
  sqlite3* raw = nullptr;
  // Our own copy: SQLite may recover its WAL or journal and make its -shm, in our folder.
  const int open_rc =
      sqlite3_open_v2(copy.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr);
  const SqliteDb db(raw);  // sqlite3_open_v2 may hand back a handle even when it fails
  if (open_rc != SQLITE_OK) return sqlite_failure(original, db.get(), open_rc);

  sqlite3_stmt* raw_stmt = nullptr;
  const int prep_rc = sqlite3_prepare_v2(db.get(), kSelect, -1, &raw_stmt, nullptr);
  const SqliteStatement stmt(raw_stmt);
  if (prep_rc != SQLITE_OK) return sqlite_failure(original, db.get(), prep_rc);

  DatabaseRows result;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return sqlite_failure(original, db.get(), rc);
    SessionRow row = row_of(stmt.get());
    if (is_session_id(row.id)) {
      result.rows.push_back(std::move(row));
    } else {
      ++result.ignored_rows;
    }
  }
  return result;
}

DatabaseRead read_database(const std::filesystem::path& file,
                           std::chrono::milliseconds busy_timeout,
                           const std::filesystem::path& scratch) {
  // SQLite would report a missing file as a generic "unable to open": say it plainly.
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      return failure(DatabaseErrorKind::missing, file.string() + " does not exist");
    return failure(DatabaseErrorKind::unreadable, file.string() + ": " + std::strerror(err));
  }
  std::error_code ec;
  const std::filesystem::path parent =
      scratch.empty() ? std::filesystem::temp_directory_path(ec) : scratch;
  const auto lock_deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (int attempt = 0; attempt < kCopyAttempts; ++attempt) {
    const PrivateFolder folder(parent);
    if (folder.path().empty()) {
      return failure(DatabaseErrorKind::unreadable,
                     file.string() + ": cannot make a private folder in " + parent.string() +
                         " to read a copy: " + std::strerror(errno));
    }
    const Result<CopyOutcome> outcome = copy_snapshot(file, folder.path(), lock_deadline);
    if (!outcome.ok()) return failure(DatabaseErrorKind::unreadable, outcome.error().message);
    switch (outcome.value()) {
      case CopyOutcome::copied:
        return query(file, folder.path() / kDatabaseFile);
      case CopyOutcome::locked:
        return failure(
            DatabaseErrorKind::locked,
            file.string() + ": database is locked (still locked after the busy timeout)");
      case CopyOutcome::changing:
        break;  // a WAL restart while we copied: again
    }
  }
  return failure(DatabaseErrorKind::locked,
                 file.string() + ": database is locked (its WAL restarted during every copy)");
}

}  // namespace

struct SessionDatabase::Worker {
  boost::asio::thread_pool pool{1};
  ~Worker() {
    pool.stop();
    pool.join();
  }
};

SessionDatabase::SessionDatabase(std::filesystem::path dir, std::chrono::milliseconds busy_timeout,
                                 std::filesystem::path scratch)
    : file_(std::move(dir) / kDatabaseFile),
      busy_timeout_(busy_timeout),
      scratch_(std::move(scratch)) {}

DatabaseRead SessionDatabase::read() const {
  return read_database(file_, busy_timeout_, scratch_);
}

void SessionDatabase::read_async(boost::asio::io_context& io,
                                 std::function<void(DatabaseRead)> done) const {
  if (!worker_) worker_ = std::make_shared<Worker>();
  // The job holds the worker weakly: the last owner of this database, not a job, ends it
  // (and never on its own thread).
  // The work guard keeps `io` running while the read is away, as any pending operation of
  // its own would: io.run() must not return with a read still to be delivered.
  boost::asio::post(worker_->pool,
                    [file = file_, timeout = busy_timeout_, scratch = scratch_, io = &io,
                     guard = boost::asio::make_work_guard(io),
                     weak = std::weak_ptr<Worker>(worker_), done = std::move(done)]() mutable {
                      DatabaseRead result = read_database(file, timeout, scratch);
                      boost::asio::post(*io, [weak = std::move(weak), done = std::move(done),
                                              result = std::move(result)]() mutable {
                        if (weak.expired()) return;  // the database object is gone: nobody to tell
                        done(std::move(result));
                      });
                      guard.reset();
                    });
}

}  // namespace wte::local
