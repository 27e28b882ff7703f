#include "local/local_source.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "log/session_state.hpp"
#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"

namespace wte::local {

namespace {

using std::chrono::milliseconds;

// inotify events are merged for this long, and early polls are at least this far apart:
// a busy log must not turn into a poll per write.
constexpr milliseconds kDebounce{200};
constexpr milliseconds kMinEarlyGap{1000};

double seconds(milliseconds d) {
  return std::chrono::duration<double>(d).count();
}

std::string label_or_default(const std::string& label) {
  return label.empty() ? std::string("local") : label;
}

}  // namespace

double system_unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

LocalSource::LocalSource(boost::asio::io_context& io, LocalSettings settings,
                         metrics::ExporterMetrics& metrics, logging::Logger& logger,
                         UnixClock clock)
    : io_(io),
      settings_(std::move(settings)),
      name_(label_or_default(settings_.host_label)),
      database_(settings_.path),
      metrics_(metrics),
      logger_(logger),
      clock_(std::move(clock)),
      timer_(io),
      early_timer_(io),
      watcher_(io) {
  metrics_.add_host(name_);
}

LocalSource::~LocalSource() {
  timer_.cancel();
  early_timer_.cancel();
  watcher_.close();
}

// ---- scheduling and inotify ------------------------------------------------------------

void LocalSource::start(milliseconds initial_delay) {
  running_ = true;
  if (settings_.inotify) open_watcher();
  schedule(initial_delay);
}

void LocalSource::stop() {
  running_ = false;
  timer_.cancel();
  early_timer_.cancel();
  close_watcher();
}

void LocalSource::schedule(milliseconds delay) {
  if (!running_) return;
  timer_.expires_after(delay);  // also cancels the wait armed by the previous poll
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self && self->running_) self->poll_now();
  });
}

void LocalSource::open_watcher() {
  std::string error;
  if (!watcher_.open(error)) {
    logger_.warn("inotify unavailable; sessions are found by polling only",
                 {{"host", name_}, {"error", error}});
    return;
  }
  root_watch_ = watcher_.add(settings_.path, error);  // retried by each poll if it failed
  for (auto& [id, e] : sessions_) {
    if (!e.session.finished_at()) watch(e);
  }
  wait_for_events();
}

void LocalSource::close_watcher() noexcept {
  watcher_.close();
  root_watch_ = -1;
  for (auto& [id, e] : sessions_) e.watch = -1;
}

void LocalSource::wait_for_events() {
  watcher_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->on_events();
  });
}

void LocalSource::on_events() {
  watcher_.drain();
  if (running_ && !early_pending_) {
    early_pending_ = true;
    const auto since =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - last_poll_end_);
    early_timer_.expires_after(std::max(kDebounce, kMinEarlyGap - since));
    early_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self) return;
      self->early_pending_ = false;
      if (!ec && self->running_) self->poll_now();
    });
  }
  wait_for_events();
}

void LocalSource::watch(Entry& e) {
  if (!watcher_.is_open() || e.watch >= 0) return;
  std::string error;
  e.watch = watcher_.add(e.tailer.dir(), error);
  // A folder not created yet is retried next poll; running out of watches is said once.
  if (e.watch < 0 && error.find("No such file") == std::string::npos && !watch_failed_logged_) {
    watch_failed_logged_ = true;
    logger_.warn("cannot watch a session folder; it is polled only",
                 {{"host", name_}, {"error", error}});
  }
}

void LocalSource::unwatch(Entry& e) {
  watcher_.remove(e.watch);
  e.watch = -1;
}

// ---- settings ----------------------------------------------------------------------------

void LocalSource::reset_state() {
  close_watcher();
  sessions_.clear();
  expired_.clear();
  refused_.clear();
  db_error_.reset();
  db_error_message_.clear();
  up_ = false;
  last_success_.reset();
  last_error_reason_.clear();
  last_error_message_ = "not polled yet";
}

void LocalSource::update_settings(LocalSettings settings) {
  const bool rebuild =
      settings.path != settings_.path || settings.host_label != settings_.host_label;
  const bool inotify_changed = settings.inotify != settings_.inotify;
  settings_ = std::move(settings);
  if (rebuild) {
    reset_state();
    name_ = label_or_default(settings_.host_label);
    database_ = SessionDatabase(settings_.path);
    metrics_.add_host(name_);
  }
  if (!running_) return;
  if (rebuild || inotify_changed) {
    close_watcher();
    if (settings_.inotify) open_watcher();
  }
  schedule(rebuild ? milliseconds(0) : settings_.poll_interval);
}

// ---- one poll ------------------------------------------------------------------------------

void LocalSource::poll_now() {
  const auto started = std::chrono::steady_clock::now();
  const double now = clock_();
  ++polls_;
  PollErrors errors;
  std::string root_error;
  const auto folders = list_folders(root_error);
  if (!folders) {
    metrics_.record_error(name_, "read");
    if (up_ || last_error_message_ != root_error) {
      logger_.warn("cannot read the transfer sessions folder",
                   {{"host", name_}, {"path", settings_.path}, {"error", root_error}});
    }
    up_ = false;
    last_error_reason_ = "read";
    last_error_message_ = root_error;
    end_poll(started, errors);
    return;
  }
  if (watcher_.is_open() && root_watch_ < 0) {
    std::string ignored;
    root_watch_ = watcher_.add(settings_.path, ignored);
  }
  const auto found = discover(*folders);
  track(found, now);
  drop_vanished(found);
  for (auto& [id, e] : sessions_) {
    if (!e.session.finished_at()) tail(e, now, errors);
  }
  expire_finished(now);
  up_ = true;
  last_success_ = clock_();
  end_poll(started, errors);
}

std::optional<std::set<std::string>> LocalSource::list_folders(std::string& error) const {
  std::error_code ec;
  std::filesystem::directory_iterator it(settings_.path, ec);
  if (ec) {
    error = "cannot list " + settings_.path + ": " + ec.message();
    return std::nullopt;
  }
  std::set<std::string> ids;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string id = it->path().filename().string();
    std::error_code type_ec;
    if (is_session_id(id) && it->is_directory(type_ec)) ids.insert(std::move(id));
  }
  if (ec) {
    error = "cannot list " + settings_.path + ": " + ec.message();
    return std::nullopt;
  }
  return ids;
}

std::vector<LocalSource::Found> LocalSource::discover(const std::set<std::string>& folders) {
  const DatabaseRead db = database_.read();
  note_database(db);
  std::vector<Found> found;
  if (db.ok()) {
    for (const auto& row : db.rows) {
      found.push_back(Found{row.id, row.state, row.end_time, row.start_time});
    }
  } else {
    for (const auto& id : folders) found.push_back(Found{id, std::nullopt, std::nullopt, {}});
  }
  // If max_sessions must refuse some, it refuses ended and old sessions first.
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    const bool a_final = a.db_state && log::is_final_state(*a.db_state);
    const bool b_final = b.db_state && log::is_final_state(*b.db_state);
    if (a_final != b_final) return b_final;
    return a.start_time.value_or(0) > b.start_time.value_or(0);
  });
  return found;
}

void LocalSource::note_database(const DatabaseRead& db) {
  const std::string path = database_.file().string();
  metrics_.set_local_database_up(path, db.ok());
  if (db.ok()) {
    if (db_error_) {
      logger_.info("whmxfer.sqlite is readable again; sessions are listed from it",
                   {{"host", name_}, {"path", path}});
    }
    db_error_.reset();
    db_error_message_.clear();
    return;
  }
  metrics_.record_error(name_, "database");
  if (db_error_ != db.error->kind) {
    logger_.warn(
        "cannot read whmxfer.sqlite; sessions are found from their folders, with each log's own "
        "state",
        {{"host", name_}, {"reason", to_string(db.error->kind)}, {"error", db.error->message}});
  }
  db_error_ = db.error->kind;
  db_error_message_ = db.error->message;
}

// A session cPanel ended longer ago than the retention is not read at all (a server keeps
// 30 days of them): the database's end time, else the mtime of the renamed log, says when.
bool LocalSource::ended_long_ago(const Found& f, double now) const {
  const double retention = seconds(settings_.finished_retention);
  if (f.db_state && !log::is_final_state(*f.db_state)) return false;
  if (f.db_state && f.end_time) return now - *f.end_time >= retention;
  const auto ended_log = std::filesystem::path(settings_.path) / f.id / kEndedLogName;
  struct stat st {};
  if (::stat(ended_log.c_str(), &st) != 0) return false;
  return now - static_cast<double>(st.st_mtim.tv_sec) >= retention;
}

void LocalSource::track(const std::vector<Found>& found, double now) {
  std::size_t added = 0;
  std::uint64_t refused = 0;
  for (const auto& f : found) {
    if (const auto it = sessions_.find(f.id); it != sessions_.end()) {
      if (f.db_state && it->second.session.api_state() != f.db_state) {
        it->second.session.set_api_state(*f.db_state);
      }
      continue;
    }
    if (expired_.contains(f.id)) continue;
    if (ended_long_ago(f, now)) {
      expired_.insert(f.id);
      continue;
    }
    if (sessions_.size() >= settings_.max_sessions) {
      if (refused_.insert(f.id).second) ++refused;
      continue;
    }
    refused_.erase(f.id);
    auto& e = sessions_
                  .try_emplace(f.id, name_, f.id, settings_.engine_limits,
                               std::filesystem::path(settings_.path) / f.id, now)
                  .first->second;
    if (f.db_state) e.session.set_api_state(*f.db_state);
    watch(e);
    ++added;
  }
  if (added > 0) {
    logger_.debug("new transfer sessions found",
                  {{"host", name_}, {"added", std::to_string(added)}});
  }
  if (refused > 0) {
    metrics_.record_drop("sessions_per_host", refused);
    logger_.warn("too many sessions on this server; the rest are not watched",
                 {{"host", name_},
                  {"limit", std::to_string(settings_.max_sessions)},
                  {"refused", std::to_string(refused)}});
  }
}

// cPanel deleted the session (row and folder): an unfinished one goes at once; a finished one
// stays visible until its retention ends, like a remote one.
void LocalSource::drop_vanished(const std::vector<Found>& found) {
  std::set<std::string> ids;
  for (const auto& f : found) ids.insert(f.id);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (ids.contains(it->first) || it->second.session.finished_at()) {
      ++it;
      continue;
    }
    logger_.info("session gone from disk; no longer watched",
                 {{"host", name_}, {"session", it->first}});
    unwatch(it->second);
    it = sessions_.erase(it);
  }
  std::erase_if(expired_, [&](const std::string& id) { return !ids.contains(id); });
  std::erase_if(refused_, [&](const std::string& id) { return !ids.contains(id); });
}

void LocalSource::tail(Entry& e, double now, PollErrors& errors) {
  const std::uint64_t lines_before = e.session.log().info().lines;
  const std::uint64_t malformed_before = e.session.log().info().malformed_lines;
  const TailResult r = e.tailer.poll(e.session, now);
  const auto& after = e.session.log().info();
  metrics_.add_read_bytes(name_, r.new_bytes);
  if (r.reset) {
    metrics_.record_reset(name_);
    logger_.warn("session log truncated or replaced; read again from byte 0",
                 {{"host", name_}, {"session", e.session.id()}});
    metrics_.add_lines(name_, after.lines, after.malformed_lines);
  } else {
    metrics_.add_lines(name_, after.lines - lines_before, after.malformed_lines - malformed_before);
  }
  if (r.error) {
    metrics_.record_error(name_, "read");
    if (errors.count++ == 0) errors.first = *r.error;
    if (e.session.last_error() != *r.error) {
      logger_.warn("cannot read a session log",
                   {{"host", name_}, {"session", e.session.id()}, {"error", *r.error}});
      e.session.set_last_error(*r.error);
    }
    return;
  }
  if (!e.session.last_error().empty()) e.session.set_last_error("");
  watch(e);  // its folder may have been created since the last poll
  if (may_finish(e, r, now)) finish(e, now);
}

// Final (the database's state, or the log's when there is no database) and read to the
// end. Unless the log itself says it ended (renamed, or a final line), the log must also
// have been quiet for a few polls: a final row may be written just before the last lines.
bool LocalSource::may_finish(const Entry& e, const TailResult& r, double now) const {
  if (!e.session.is_final() || !r.at_end) return false;
  if (!r.log_exists || r.renamed) return true;
  if (log::is_final_state(e.session.log().info().state)) return true;
  const double quiet_since = e.session.last_change_unix().value_or(e.first_seen);
  return now - quiet_since >= 3 * seconds(settings_.poll_interval);
}

void LocalSource::finish(Entry& e, double now) {
  e.session.mark_finished(now);
  e.tailer.close();
  unwatch(e);
  logger_.info(
      "session finished; its log is closed",
      {{"host", name_}, {"session", e.session.id()}, {"state", std::string(e.session.state())}});
}

void LocalSource::expire_finished(double now) {
  const double retention = seconds(settings_.finished_retention);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const auto finished = it->second.session.finished_at();
    if (finished && now - *finished >= retention) {
      expired_.insert(it->first);
      unwatch(it->second);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

void LocalSource::end_poll(std::chrono::steady_clock::time_point started,
                           const PollErrors& errors) {
  if (up_) {
    if (errors.count > 0) {
      last_error_reason_ = "read";
      last_error_message_ = errors.first;
    } else if (db_error_) {
      last_error_reason_ = "database";
      last_error_message_ = db_error_message_;
    } else {
      last_error_reason_.clear();
      last_error_message_.clear();
    }
  }
  last_poll_end_ = std::chrono::steady_clock::now();
  last_duration_ = std::chrono::duration<double>(last_poll_end_ - started).count();
  last_poll_ = clock_();
  metrics_.observe_poll(name_, last_duration_);
  schedule(settings_.poll_interval);
}

// ---- views ---------------------------------------------------------------------------------

sources::HostView LocalSource::view() const {
  sources::HostView v;
  v.name = name_;
  v.kind = "local";
  v.up = up_;
  v.last_success_unix = last_success_;
  v.last_poll_unix = last_poll_;
  v.last_poll_duration_seconds = last_duration_;
  v.last_error_reason = last_error_reason_;
  v.last_error_message = last_error_message_;
  v.sessions = sessions_.size();
  return v;
}

void LocalSource::for_each_session(
    const std::function<void(const sources::SessionView&)>& visit) const {
  for (const auto& [id, e] : sessions_) {
    const auto& s = e.session;
    std::optional<std::string_view> api;
    if (s.api_state()) api = *s.api_state();
    visit(sources::SessionView{name_, id, api, s.log().model(), s.last_change_unix(),
                               s.finished_at().has_value(), s.last_error()});
  }
}

}  // namespace wte::local
