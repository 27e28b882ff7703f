#pragma once
// Which connections are open and which of them are waiting for a request header, so that
// at the connection limit the one waiting longest can be evicted (a slowloris client holds
// connections open by sending its header slowly; it must not lock out a real scraper).
// Pure: time is passed in.
#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

namespace wte::web {

class ConnectionTable {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = std::uint64_t;

  void add(Id id, Clock::time_point waiting_since) { entries_[id] = waiting_since; }
  // The connection waits for a request (a TLS handshake or a header) since `since`.
  void set_waiting(Id id, Clock::time_point since);
  // The connection is busy with a request (handler or response write): not evictable.
  void set_busy(Id id);
  // False if it was not there.
  bool remove(Id id) { return entries_.erase(id) > 0; }

  std::size_t size() const noexcept { return entries_.size(); }
  bool contains(Id id) const { return entries_.contains(id); }
  // The connection waiting longest; nullopt if all are busy.
  std::optional<Id> longest_waiting() const;

 private:
  std::unordered_map<Id, std::optional<Clock::time_point>> entries_;
};

}  // namespace wte::web
