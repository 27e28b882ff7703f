#pragma once
// The sessions a source watches, by id, with what every kind of source does to them the
// same way: finished sessions kept for a retention and then dropped (and not read again
// while their source still lists them), the max-sessions limit (each refused session counted
// once), and the views the presentation reads. `Entry` is the source's own record of a
// session and holds a TrackedSession named `session`.
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "sources/status_source.hpp"
#include "sources/tracked_session.hpp"

namespace wte::sources {

template <class Entry>
class SessionSet {
 public:
  using Map = std::map<std::string, Entry, std::less<>>;

  Entry* find(std::string_view id) {
    const auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
  }
  bool contains(std::string_view id) const { return entries_.contains(id); }
  std::size_t size() const noexcept { return entries_.size(); }
  typename Map::iterator begin() { return entries_.begin(); }
  typename Map::iterator end() { return entries_.end(); }
  typename Map::const_iterator begin() const { return entries_.begin(); }
  typename Map::const_iterator end() const { return entries_.end(); }

  // Adds a session, unless it expired (it stays out while its source lists it) or the
  // limit is reached. Returns the new entry, or nullptr.
  template <class... Args>
  Entry* add(const std::string& id, std::size_t max_sessions, Args&&... args) {
    if (expired_.contains(id)) return nullptr;
    if (entries_.size() >= max_sessions) {
      if (refused_.insert(id).second) ++newly_refused_;
      return nullptr;
    }
    refused_.erase(id);
    return &entries_.try_emplace(id, std::forward<Args>(args)...).first->second;
  }

  // Keeps only what `listed` (the ids the source lists now) still names: entries for which
  // `keep_unlisted` says otherwise stay too; `on_remove` sees each one removed.
  template <class Listed, class Keep, class OnRemove>
  void keep_listed(const Listed& listed, Keep&& keep_unlisted, OnRemove&& on_remove) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (listed.contains(it->first) || keep_unlisted(it->second)) {
        ++it;
      } else {
        on_remove(it->first, it->second);
        it = entries_.erase(it);
      }
    }
    std::erase_if(expired_, [&](const std::string& id) { return !listed.contains(id); });
    std::erase_if(refused_, [&](const std::string& id) { return !listed.contains(id); });
  }

  void expire(std::string_view id) { expired_.insert(std::string(id)); }
  bool expired(std::string_view id) const { return expired_.contains(id); }

  // Drops the sessions finished `retention_seconds` or longer ago; `on_expire` sees each.
  template <class OnExpire>
  void expire_finished(double now_unix, double retention_seconds, OnExpire&& on_expire) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      const auto finished = it->second.session.finished_at();
      if (finished && now_unix - *finished >= retention_seconds) {
        on_expire(it->second);
        expired_.insert(it->first);
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Sessions refused by the limit since the last call, each counted once while it stays
  // refused.
  std::size_t take_newly_refused() noexcept { return std::exchange(newly_refused_, 0); }

  void clear() {
    entries_.clear();
    expired_.clear();
    refused_.clear();
    newly_refused_ = 0;
  }

  // `decorate` adds what only the source knows to each view.
  void for_each_view(std::string_view host, const std::function<void(const SessionView&)>& visit,
                     const std::function<void(const Entry&, SessionView&)>& decorate = {}) const {
    for (const auto& [id, e] : entries_) {
      const TrackedSession& s = e.session;
      std::optional<std::string_view> api;
      if (s.api_state()) api = *s.api_state();
      SessionView v{host,
                    id,
                    api,
                    s.log().model(),
                    s.last_change_unix(),
                    s.finished_at().has_value(),
                    s.last_error()};
      v.log_read = s.log_read();
      if (!v.state()) {
        v.unknown_reason = s.last_error();
        if (v.unknown_reason.empty()) v.unknown_reason = "not polled yet";
      }
      if (decorate) decorate(e, v);
      visit(v);
    }
  }

 private:
  Map entries_;
  std::set<std::string, std::less<>> expired_;  // finished past retention: not read again
  std::set<std::string, std::less<>> refused_;  // over the limit now: counted once each
  std::size_t newly_refused_ = 0;
};

}  // namespace wte::sources
