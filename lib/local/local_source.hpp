#pragma once
// Local mode: on a WHM server, every transfer session on disk is discovered (whmxfer.sqlite,
// or the session folders when the database cannot be read) and its master log is tailed.
// The same shape as sources::RemoteHostPoller, so the exporter holds both side by side.
// Everything runs on the io_context thread; a poll never blocks longer than the database's
// busy timeout plus the reads of new log bytes.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "local/dir_watcher.hpp"
#include "local/log_tailer.hpp"
#include "local/session_database.hpp"
#include "log/master_log.hpp"
#include "sources/status_source.hpp"
#include "sources/tracked_session.hpp"

namespace wte::metrics {
class ExporterMetrics;
}
namespace wte::logging {
class Logger;
}

namespace wte::local {

struct LocalSettings {
  std::string path = "/var/cpanel/transfer_sessions";
  std::chrono::milliseconds poll_interval{5000};
  std::string host_label;  // the `host` label of this server's series; "" -> "local"
  bool inotify = true;     // poll early when the folder changes
  std::chrono::milliseconds finished_retention{std::chrono::hours(24)};
  log::EngineLimits engine_limits;
  std::size_t max_sessions = 1000;
};

// Unix seconds now; injectable so tests can move time.
using UnixClock = std::function<double()>;
double system_unix_now();

// Hold it in a std::shared_ptr: its timers and inotify wait reach it through weak_from_this.
class LocalSource : public std::enable_shared_from_this<LocalSource> {
 public:
  LocalSource(boost::asio::io_context& io, LocalSettings settings,
              metrics::ExporterMetrics& metrics, logging::Logger& logger,
              UnixClock clock = system_unix_now);
  ~LocalSource();
  LocalSource(const LocalSource&) = delete;
  LocalSource& operator=(const LocalSource&) = delete;

  // Polls after `initial_delay`, then every poll_interval (and early on inotify events).
  void start(std::chrono::milliseconds initial_delay = std::chrono::milliseconds(0));
  void stop();
  // A new path or label starts over with no sessions; other changes apply from the next poll.
  void update_settings(LocalSettings settings);

  const std::string& name() const noexcept { return name_; }
  sources::HostView view() const;
  void for_each_session(const std::function<void(const sources::SessionView&)>& visit) const;
  std::size_t session_count() const noexcept { return sessions_.size(); }
  bool inotify_active() const noexcept { return watcher_.is_open(); }
  std::uint64_t polls() const noexcept { return polls_; }

  // One poll, synchronously (the timer and inotify call it; tests call it directly).
  void poll_now();

 private:
  struct Entry {
    Entry(const std::string& host, const std::string& id, const log::EngineLimits& limits,
          const std::filesystem::path& dir, double now)
        : session(host, id, limits), tailer(dir), first_seen(now) {}
    sources::TrackedSession session;
    LogTailer tailer;
    double first_seen;
    int watch = -1;  // inotify watch of the session folder
  };
  struct Found {
    std::string id;
    std::optional<std::string> db_state;
    std::optional<double> end_time;
    std::optional<double> start_time;
  };
  struct PollErrors {
    std::size_t count = 0;
    std::string first;
  };

  std::optional<std::set<std::string>> list_folders(std::string& error) const;
  std::vector<Found> discover(const std::set<std::string>& folders);
  void note_database(const DatabaseRead& db);
  bool ended_long_ago(const Found& f, double now) const;
  void track(const std::vector<Found>& found, double now);
  void drop_vanished(const std::vector<Found>& found);
  void tail(Entry& e, double now, PollErrors& errors);
  bool may_finish(const Entry& e, const TailResult& r, double now) const;
  void finish(Entry& e, double now);
  void expire_finished(double now);
  void end_poll(std::chrono::steady_clock::time_point started, const PollErrors& errors);

  void schedule(std::chrono::milliseconds delay);
  void open_watcher();
  void close_watcher() noexcept;
  void wait_for_events();
  void on_events();
  void watch(Entry& e);
  void unwatch(Entry& e);
  void reset_state();

  boost::asio::io_context& io_;
  LocalSettings settings_;
  std::string name_;
  SessionDatabase database_;
  metrics::ExporterMetrics& metrics_;
  logging::Logger& logger_;
  UnixClock clock_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer early_timer_;  // the debounced poll after inotify events
  DirWatcher watcher_;
  int root_watch_ = -1;
  bool watch_failed_logged_ = false;
  bool running_ = false;
  bool early_pending_ = false;
  std::chrono::steady_clock::time_point last_poll_end_{};

  std::map<std::string, Entry> sessions_;
  std::set<std::string> expired_;  // finished past retention, still on disk: not read again
  std::set<std::string> refused_;  // over max_sessions: counted once each
  std::optional<DatabaseErrorKind> db_error_;  // the fallback's cause, logged once per change
  std::string db_error_message_;
  std::uint64_t polls_ = 0;
  // What the host view shows.
  bool up_ = false;
  std::optional<double> last_success_;
  std::optional<double> last_poll_;
  double last_duration_ = 0;
  std::string last_error_reason_;
  std::string last_error_message_ = "not polled yet";
};

}  // namespace wte::local
