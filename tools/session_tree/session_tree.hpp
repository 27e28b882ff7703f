#pragma once
// A transfer_sessions folder the way cPanel writes it on a WHM server (docs/LOG-FORMAT.md
// section 1), for tests and the demo: whmxfer.sqlite with the real `sessions` table, one
// folder per session whose `.master.log` grows line by line (loggen), the `state` column
// moving PENDING -> RUNNING -> the end state, and the log renamed to `master.log` at the end.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "local/sqlite_handle.hpp"
#include "loggen/log_generator.hpp"

namespace wte::session_tree {

struct TreeSpec {
  std::filesystem::path dir;  // created if missing
  std::size_t sessions = 3;
  std::size_t accounts = 5;             // per session
  std::string end_state = "COMPLETED";  // COMPLETED | ABORTED | FAILED | RUNNING (never ends)
  std::uint64_t seed = 1;
  std::int64_t start_time = 1598991042;  // of the first session; the next start a minute apart
  std::string source_host = "source.example.com";
  std::string target_host = "target.example.com";
};

// The `sessions.state` integer of a state name (PENDING 0 ... FAILED 200); nullopt if unknown.
std::optional<int> state_integer(std::string_view name) noexcept;

// The table of whmxfer.sqlite, written the way cPanel would (short transactions).
class SessionTable {
 public:
  // Opens (creating) `file` and creates the `sessions` table if it is not there.
  explicit SessionTable(const std::filesystem::path& file);
  void insert(std::string_view id, std::string_view initiator, std::string_view source_host,
              std::string_view target_host, int state, std::int64_t start_time);
  void set_state(std::string_view id, int state, std::optional<std::int64_t> end_time);
  void remove(std::string_view id);

 private:
  void exec(const char* sql);
  local::SqliteDb db_;
};

class SessionTree {
 public:
  // Creates the folder, the database (rows PENDING) and one empty folder per session.
  explicit SessionTree(TreeSpec spec);
  ~SessionTree();
  SessionTree(const SessionTree&) = delete;
  SessionTree& operator=(const SessionTree&) = delete;

  std::size_t size() const noexcept { return sessions_.size(); }
  const std::string& id(std::size_t i) const { return sessions_.at(i).id; }
  std::filesystem::path session_dir(std::size_t i) const;
  // .master.log while the session runs, master.log after it.
  std::filesystem::path log_path(std::size_t i) const;
  // The truth about the lines written so far (loggen).
  const loggen::Expected& expected(std::size_t i) const;
  bool done(std::size_t i) const { return sessions_.at(i).done; }
  bool all_done() const noexcept;

  // Appends up to `lines` lines to session i's log (its first line makes it RUNNING);
  // when the log is over, renames it and writes the end state. Returns lines written.
  std::size_t advance(std::size_t i, std::size_t lines);
  // Every session to its end at once.
  void finish_all();
  SessionTable& table() noexcept { return table_; }

 private:
  struct Session {
    std::string id;
    std::unique_ptr<loggen::LogGenerator> generator;
    std::int64_t start_time = 0;
    bool running = false;
    bool done = false;
  };
  void end(Session& s);

  TreeSpec spec_;
  SessionTable table_;
  std::vector<Session> sessions_;
};

}  // namespace wte::session_tree
