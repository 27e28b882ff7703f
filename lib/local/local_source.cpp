#include "local/local_source.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "log/session_state.hpp"
#include "logging/logger.hpp"

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

LocalSource::LocalSource(const sources::SourceContext& context, LocalSettings settings)
    : io_(context.io),
      recorder_(context.recorder),
      logger_(context.logger),
      clock_(context.clock),
      settings_(std::move(settings)),
      name_(label_or_default(settings_.host_label)),
      database_(settings_.path),
      timer_(context.io),
      early_timer_(context.io),
      watcher_(context.io) {
  recorder_.host_added(name_);
}

LocalSource::~LocalSource() {
  timer_.cancel();
  early_timer_.cancel();
  watcher_.close();
}

// ---- scheduling and inotify ------------------------------------------------------------

void LocalSource::start() {
  running_ = true;
  if (settings_.inotify) open_watcher();
  schedule(milliseconds(0));
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
    if (!ec && self && self->running_) self->poll_async();
  });
}

void LocalSource::open_watcher() {
  if (auto opened = watcher_.open(); !opened.ok()) {
    logger_.warn("inotify unavailable; sessions are found by polling only",
                 {{"host", name_}, {"error", opened.error().message}});
    return;
  }
  root_watch_ = watcher_.add(settings_.path).value_or(-1);  // retried by each poll if it failed
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
        std::chrono::duration_cast<milliseconds>(clock_.monotonic_now() - last_poll_end_);
    early_timer_.expires_after(std::max(kDebounce, kMinEarlyGap - since));
    early_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self) return;
      self->early_pending_ = false;
      if (!ec && self->running_) self->poll_async();
    });
  }
  wait_for_events();
}

void LocalSource::watch(Entry& e) {
  if (!watcher_.is_open() || e.watch >= 0) return;
  const Result<int> watched = watcher_.add(e.tailer.dir());
  e.watch = watched.value_or(-1);
  // A folder not created yet is retried next poll; running out of watches is said once.
  if (!watched.ok() && watched.error().message.find("No such file") == std::string::npos &&
      !watch_failed_logged_) {
    watch_failed_logged_ = true;
    logger_.warn("cannot watch a session folder; it is polled only",
                 {{"host", name_}, {"error", watched.error().message}});
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
  db_error_.reset();
  db_error_message_.clear();
  status_.reset();
}

void LocalSource::update_settings(LocalSettings settings) {
  const bool rebuild =
      settings.path != settings_.path || settings.host_label != settings_.host_label;
  const bool inotify_changed = settings.inotify != settings_.inotify;
  settings_ = std::move(settings);
  if (rebuild) {
    reset_state();
    if (const std::string label = label_or_default(settings_.host_label); label != name_) {
      recorder_.host_removed(name_);
      name_ = label;
      recorder_.host_added(name_);
    }
    database_ = SessionDatabase(settings_.path);
    ++read_generation_;  // the old database's read in flight is dropped: never delivered
    reading_ = false;
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
  const auto started = clock_.monotonic_now();
  poll_with(database_.read(), started);
}

// The database is read on the database's own worker (a writer's lock is waited for there,
// never on the event loop); the rest of the poll runs when the rows are back. One read at a
// time: a poll asked for meanwhile is the next timer's.
void LocalSource::poll_async() {
  if (reading_) return;
  reading_ = true;
  const auto started = clock_.monotonic_now();
  database_.read_async(
      io_, [weak = weak_from_this(), started, generation = read_generation_](DatabaseRead db) {
        auto self = weak.lock();
        if (!self || generation != self->read_generation_) return;
        self->reading_ = false;
        if (self->running_) self->poll_with(std::move(db), started);
      });
}

void LocalSource::poll_with(const DatabaseRead& db, sources::Clock::Monotonic::time_point started) {
  const double now = clock_.unix_now();
  ++polls_;
  const auto folders = list_folders();
  if (!folders.ok()) {
    const std::string& root_error = folders.error().message;
    recorder_.request_failed(name_, "read");
    if (status_.up() || status_.error_message() != root_error) {
      logger_.warn("cannot read the transfer sessions folder",
                   {{"host", name_}, {"path", settings_.path}, {"error", root_error}});
    }
    end_poll(started, false, sources::PollProblem{"read", root_error});
    return;
  }
  if (watcher_.is_open() && root_watch_ < 0)
    root_watch_ = watcher_.add(settings_.path).value_or(-1);
  const auto found = discover(folders.value(), db);
  track(found, now);
  drop_vanished(found);
  PollErrors errors;
  for (auto& [id, e] : sessions_) {
    if (!e.session.finished_at()) tail(e, now, errors);
  }
  sessions_.expire_finished(now, seconds(settings_.finished_retention),
                            [this](Entry& e) { unwatch(e); });
  // Up: the folder was read. A log that could not be read, or the database fallback, is
  // shown as the host's error without making it down.
  std::optional<sources::PollProblem> note;
  if (errors.count > 0) {
    note = sources::PollProblem{"read", errors.first};
  } else if (db_error_) {
    note = sources::PollProblem{"database", db_error_message_};
  }
  end_poll(started, true, std::move(note));
}

Result<std::set<std::string, std::less<>>> LocalSource::list_folders() const {
  std::error_code ec;
  std::filesystem::directory_iterator it(settings_.path, ec);
  if (ec) return Error{"cannot list " + settings_.path + ": " + ec.message()};
  std::set<std::string, std::less<>> ids;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string id = it->path().filename().string();
    std::error_code type_ec;
    if (is_session_id(id) && it->is_directory(type_ec)) ids.insert(std::move(id));
  }
  if (ec) return Error{"cannot list " + settings_.path + ": " + ec.message()};
  return ids;
}

std::vector<LocalSource::Found> LocalSource::discover(
    const std::set<std::string, std::less<>>& folders, const DatabaseRead& db) {
  note_database(db);
  std::vector<Found> found;
  if (db.ok()) {
    for (const auto& row : db.value().rows) {
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
  recorder_.database_read(path, db.ok());
  if (db.ok()) {
    if (db_error_) {
      logger_.info("whmxfer.sqlite is readable again; sessions are listed from it",
                   {{"host", name_}, {"path", path}});
    }
    db_error_.reset();
    db_error_message_.clear();
    return;
  }
  recorder_.request_failed(name_, "database");
  const DatabaseError& error = db.error();
  if (db_error_ != error.kind) {
    logger_.warn(
        "cannot read whmxfer.sqlite; sessions are found from their folders, with each log's own "
        "state",
        {{"host", name_}, {"reason", to_string(error.kind)}, {"error", error.message}});
  }
  db_error_ = error.kind;
  db_error_message_ = error.message;
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
  for (const auto& f : found) {
    if (Entry* e = sessions_.find(f.id)) {
      if (f.db_state && e->session.api_state() != f.db_state) e->session.set_api_state(*f.db_state);
      continue;
    }
    if (sessions_.expired(f.id)) continue;
    if (ended_long_ago(f, now)) {
      sessions_.expire(f.id);
      continue;
    }
    Entry* e = sessions_.add(f.id, settings_.max_sessions, name_, f.id, settings_.engine_limits,
                             std::filesystem::path(settings_.path) / f.id, now);
    if (!e) continue;
    if (f.db_state) e->session.set_api_state(*f.db_state);
    watch(*e);
    ++added;
  }
  if (added > 0) {
    logger_.debug("new transfer sessions found",
                  {{"host", name_}, {"added", std::to_string(added)}});
  }
  if (const std::size_t refused = sessions_.take_newly_refused(); refused > 0) {
    recorder_.dropped("sessions_per_host", refused);
    logger_.warn("too many sessions on this server; the rest are not watched",
                 {{"host", name_},
                  {"limit", std::to_string(settings_.max_sessions)},
                  {"refused", std::to_string(refused)}});
  }
}

// cPanel deleted the session (row and folder): an unfinished one goes at once; a finished one
// stays visible until its retention ends, like a remote one.
void LocalSource::drop_vanished(const std::vector<Found>& found) {
  std::set<std::string, std::less<>> ids;
  for (const auto& f : found) ids.insert(f.id);
  sessions_.keep_listed(
      ids, [](const Entry& e) { return e.session.finished_at().has_value(); },
      [this](const std::string& id, Entry& e) {
        logger_.info("session gone from disk; no longer watched",
                     {{"host", name_}, {"session", id}});
        unwatch(e);
      });
}

void LocalSource::tail(Entry& e, double now, PollErrors& errors) {
  const TailResult r = e.tailer.poll(e.session, now);
  if (r.report.reset) {
    logger_.warn("session log truncated or replaced; read again from byte 0",
                 {{"host", name_}, {"session", e.session.id()}});
  }
  recorder_.ingested(name_, r.report);
  if (!r.read.ok()) {
    const std::string& error = r.read.error().message;
    recorder_.request_failed(name_, "read");
    if (errors.count++ == 0) errors.first = error;
    if (e.session.last_error() != error) {
      logger_.warn("cannot read a session log",
                   {{"host", name_}, {"session", e.session.id()}, {"error", error}});
      e.session.set_last_error(error);
    }
    return;
  }
  if (!e.session.last_error().empty()) e.session.set_last_error("");
  watch(e);  // its folder may have been created since the last poll
  if (may_finish(e, r, now)) finish(e, now);
}

// Final (the database's state, or the log's when there is no database) and its log complete:
// master.log (the rename is cPanel's last step) read to its end. cPanel may write the final
// row before the last lines, so a final state with .master.log still there is not the end,
// however quiet the log. A session that never had a log ends once it has been quiet.
bool LocalSource::may_finish(const Entry& e, const TailResult& r, double now) const {
  if (!e.session.is_final() || !r.at_end) return false;
  if (r.log_exists) return r.renamed;
  const double quiet_since = e.session.last_change_unix().value_or(e.first_seen);
  return now - quiet_since >= 3 * seconds(settings_.poll_interval);
}

void LocalSource::finish(Entry& e, double now) {
  recorder_.ingested(name_, e.session.finish_log());
  e.session.mark_finished(now);
  e.tailer.close();
  unwatch(e);
  logger_.info("session finished; its log is closed",
               {{"host", name_},
                {"session", e.session.id()},
                {"state", std::string(e.session.state().value_or("unknown"))}});
}

// `up`: the sessions folder was read; `problem` is why not, or what went wrong without
// making the host down.
void LocalSource::end_poll(sources::Clock::Monotonic::time_point started, bool up,
                           std::optional<sources::PollProblem> problem) {
  last_poll_end_ = clock_.monotonic_now();
  const double took = std::chrono::duration<double>(last_poll_end_ - started).count();
  if (up) {
    status_.succeeded(clock_.unix_now(), took, std::move(problem));
  } else {
    status_.failed(clock_.unix_now(), took, std::move(*problem));
  }
  recorder_.poll_finished(name_, took);
  schedule(settings_.poll_interval);
}

// ---- views ---------------------------------------------------------------------------------

sources::HostView LocalSource::view() const {
  sources::HostView v = status_.view(name_, "local");
  v.sessions = sessions_.size();
  return v;
}

void LocalSource::for_each_host(const std::function<void(const sources::HostView&)>& visit) const {
  visit(view());
}

void LocalSource::for_each_session(
    const std::function<void(const sources::SessionView&)>& visit) const {
  sessions_.for_each_view(name_, visit);
}

}  // namespace wte::local
