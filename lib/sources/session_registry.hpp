#pragma once
// Sessions registered at run time (POST /api/v1/sessions), kept in the state directory so
// that a restart keeps them. Writes are atomic: temporary file, fsync, rename, fsync of the
// directory; a crash leaves the old file or the new one, never half of one.
//
// Bounded: at most RegistryLimits sessions, so an API client cannot grow the file, the
// memory and the work of every sync without end. The asynchronous changes (add_async,
// remove_async) write on a thread of their own, never on the event loop, and coalesce: a
// burst of registrations costs one or two writes, each change answered once the file holding
// it is durable. A file that cannot be read at start is renamed aside
// (sessions.json.corrupt-TIMESTAMP) and never overwritten.
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error/result.hpp"

namespace wte::sources {

struct Registration {
  std::string host;
  std::string session_id;
  auto operator<=>(const Registration&) const = default;
};

// The file's JSON: {"version":1,"sessions":[{"host":"h","session_id":"id"}]}
std::string registrations_to_json(const std::set<Registration>& r);
// The error names what is wrong; ids are validated ([0-9A-Za-z_], <= 64). Parsed with
// bounded depth: a deeply nested file is an error, not a crash.
Result<std::set<Registration>> registrations_from_json(std::string_view json);

struct RegistryLimits {
  std::size_t max_sessions = 10000;          // registered sessions, over all hosts
  std::size_t max_sessions_per_host = 1000;  // registered plus configured, on one host
};

// What became of a change.
struct RegistryChange {
  enum class Status {
    done,       // the file now holds it
    unchanged,  // nothing to do (already registered / not registered)
    refused,    // over a limit, or an invalid id: nothing written (the API answers 4xx)
    failed,     // the file could not be written: nothing changed (the API answers 500)
  };
  Status status = Status::done;
  std::string message;  // refused: for the API client; failed: for the log (names the file)
};

class SessionRegistry {
 public:
  using Done = std::function<void(RegistryChange)>;

  // `path` is the file (e.g. /var/lib/whm_transfer_exporter/sessions.json). Only the
  // synchronous add/remove work without an io_context.
  explicit SessionRegistry(std::string path, RegistryLimits limits = {});
  // With an io_context: add_async/remove_async write on a thread of the registry's own and
  // call `done` on `io`. Destroying the registry waits for a write in progress (never for
  // queued ones: their `done` is then never called).
  SessionRegistry(boost::asio::io_context& io, std::string path, RegistryLimits limits = {});
  ~SessionRegistry();
  SessionRegistry(const SessionRegistry&) = delete;
  SessionRegistry& operator=(const SessionRegistry&) = delete;

  // Reads the file; a missing file is an empty registry. The error is a message for the log.
  // A file that cannot be parsed is renamed to PATH.corrupt-YYYYMMDDTHHMMSSZ (the message
  // says so) and the registry starts empty; if it can be neither read nor renamed, every
  // change is refused until a restart rather than overwrite it.
  // `now` (the injected clock's) names the aside file.
  Status<> load(std::chrono::system_clock::time_point now);

  // Whether `r` may be registered on a host that has `configured_on_host` sessions in the
  // config; the error, for the API client, says which limit it would pass (or that `r` is
  // invalid).
  Status<> may_add(const Registration& r, std::size_t configured_on_host) const;

  // Synchronous (on the caller's thread); on error nothing changes, in memory or on disk.
  // add() applies the limits with no configured sessions.
  Status<> add(const Registration& r);
  Status<> remove(const Registration& r);

  // Asynchronous: checked at once against the limits (counting changes not yet written),
  // written off the event loop together with the other changes waiting, then `done` runs on
  // the io_context. all() and sessions_of() show a change once it is durable, so call
  // them again (re-sync the pollers) from `done`.
  void add_async(const Registration& r, std::size_t configured_on_host, Done done);
  void remove_async(const Registration& r, Done done);

  const std::set<Registration>& all() const noexcept { return registrations_; }
  std::vector<std::string> sessions_of(const std::string& host) const;
  const std::string& path() const noexcept { return path_; }
  const RegistryLimits& limits() const noexcept { return limits_; }
  void set_limits(RegistryLimits limits) noexcept { limits_ = limits; }
  std::uint64_t writes() const noexcept { return writes_; }  // files written (tests, metrics)

 private:
  struct Change {
    bool add = true;
    Registration registration;
    Done done;
  };
  struct Shared;  // what the writer's completions find (or find gone)

  Status<> save(const std::set<Registration>& next);
  std::set<Registration> projected() const;  // the registrations with every queued change
  void submit(Change change);
  void start_write();
  void on_written(std::set<Registration> written, const Status<>& written_ok);

  boost::asio::io_context* io_ = nullptr;
  std::string path_;
  RegistryLimits limits_;
  std::set<Registration> registrations_;  // as in the file
  std::optional<std::string> blocked_;    // an unreadable file we must not overwrite
  std::vector<Change> queued_;            // waiting for the next write
  std::vector<Change> writing_;           // in the write in progress
  bool write_running_ = false;
  std::uint64_t writes_ = 0;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<boost::asio::thread_pool> writer_;  // last: stopped and joined first
};

// Which sessions of each host were refused (over max_sessions_per_host) at the last sync,
// so that whm_transfer_dropped_total{limit="sessions_per_host"} counts a refused session
// once, not again at every registration and reload that re-applies the same list.
class RefusedSessions {
 public:
  // Records that `refused` are the sessions of `host` refused now; returns how many of them
  // were not refused at the previous call for that host (what the counter adds).
  std::size_t note(const std::string& host, const std::vector<std::string>& refused);
  // A host that is gone: its sessions, if refused again later, count again.
  void forget(const std::string& host) { refused_.erase(host); }

 private:
  std::map<std::string, std::set<std::string>> refused_;
};

// Writes `content` to `path` atomically. The error names the file.
Status<> write_file_atomically(const std::string& path, std::string_view content);

}  // namespace wte::sources
