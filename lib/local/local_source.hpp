#pragma once
// Local mode: on a WHM server, every transfer session on disk is discovered (whmxfer.sqlite,
// or the session folders when the database cannot be read) and its master log is tailed.
// Everything runs on the io_context thread except the database read, which runs on the
// database's own worker (a lock held by cPanel is waited for there): a poll holds the loop
// only for the folder listing and the reads of new log bytes.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "local/dir_watcher.hpp"
#include "local/log_tailer.hpp"
#include "local/session_database.hpp"
#include "log/master_log.hpp"
#include "sources/host_status.hpp"
#include "sources/session_set.hpp"
#include "sources/source.hpp"
#include "sources/tracked_session.hpp"

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

// Hold it in a std::shared_ptr: its timers and inotify wait reach it through weak_from_this.
class LocalSource final : public sources::Source, public std::enable_shared_from_this<LocalSource> {
 public:
  LocalSource(const sources::SourceContext& context, LocalSettings settings);
  ~LocalSource() override;
  LocalSource(const LocalSource&) = delete;
  LocalSource& operator=(const LocalSource&) = delete;

  const std::string& name() const noexcept override { return name_; }
  // Polls at once, then every poll_interval (and early on inotify events).
  void start() override;
  void stop() override;
  void for_each_host(const std::function<void(const sources::HostView&)>& visit) const override;
  void for_each_session(
      const std::function<void(const sources::SessionView&)>& visit) const override;

  // A new path starts over with no sessions; other changes apply from the next poll.
  void update_settings(LocalSettings settings);

  bool inotify_active() const noexcept { return watcher_.is_open(); }
  std::uint64_t polls() const noexcept { return polls_; }
  sources::HostView view() const;

  // One poll, synchronously, the database read on the caller's thread (tests call it; the
  // timer and inotify use poll_async, which reads the database off the event loop).
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

  Result<std::set<std::string, std::less<>>> list_folders() const;
  void poll_async();
  void poll_with(const DatabaseRead& db, sources::Clock::Monotonic::time_point started);
  std::vector<Found> discover(const std::set<std::string, std::less<>>& folders,
                              const DatabaseRead& db);
  void note_database(const DatabaseRead& db);
  bool ended_long_ago(const Found& f, double now) const;
  void track(const std::vector<Found>& found, double now);
  void drop_vanished(const std::vector<Found>& found);
  void tail(Entry& e, double now, PollErrors& errors);
  bool may_finish(const Entry& e, const TailResult& r, double now) const;
  void finish(Entry& e, double now);
  void end_poll(sources::Clock::Monotonic::time_point started, bool up,
                std::optional<sources::PollProblem> problem);

  void schedule(std::chrono::milliseconds delay);
  void open_watcher();
  void close_watcher() noexcept;
  void wait_for_events();
  void on_events();
  void watch(Entry& e);
  void unwatch(Entry& e);
  void reset_state();

  boost::asio::io_context& io_;
  sources::Recorder& recorder_;
  logging::Logger& logger_;
  const sources::Clock& clock_;
  LocalSettings settings_;
  std::string name_;
  SessionDatabase database_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer early_timer_;  // the debounced poll after inotify events
  DirWatcher watcher_;
  int root_watch_ = -1;
  bool watch_failed_logged_ = false;
  bool running_ = false;
  bool early_pending_ = false;
  bool reading_ = false;               // a database read is on its worker
  std::uint64_t read_generation_ = 0;  // a read of an older database is not delivered
  sources::Clock::Monotonic::time_point last_poll_end_{};

  sources::SessionSet<Entry> sessions_;
  std::optional<DatabaseErrorKind> db_error_;  // the fallback's cause, logged once per change
  std::string db_error_message_;
  std::uint64_t polls_ = 0;
  sources::HostStatus status_;
};

}  // namespace wte::local
