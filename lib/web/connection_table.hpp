#pragma once
// Which connections are open and what each is doing, so that at the connection limit the
// one that has kept a slot longest without being served can be evicted: a slowloris client
// holds connections open by sending its header slowly, and a client that never reads its
// answers holds them with writes that cannot finish. Neither may lock out a real scraper.
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

  void add(Id id, Clock::time_point waiting_since) {
    entries_[id] = {State::waiting, waiting_since};
  }
  // The connection waits for a request (a TLS handshake or a header) since `since`.
  void set_waiting(Id id, Clock::time_point since);
  // The connection is busy with a request (auth check or handler): not evictable.
  void set_busy(Id id);
  // The connection writes an answer since `since` (or waits for the peer to read it).
  void set_writing(Id id, Clock::time_point since);
  // False if it was not there.
  bool remove(Id id) { return entries_.erase(id) > 0; }

  std::size_t size() const noexcept { return entries_.size(); }
  bool contains(Id id) const { return entries_.contains(id); }
  // The connection waiting longest for a request; nullopt if none waits.
  std::optional<Id> longest_waiting() const;
  // The one to evict at `now`: the oldest among those waiting for a request and those whose
  // answer has been writing for at least `write_grace` (a client that does not read). A
  // write younger than that is a real client being served: never evicted.
  std::optional<Id> evictable(Clock::time_point now, Clock::duration write_grace) const;

 private:
  enum class State { waiting, busy, writing };
  struct Entry {
    State state = State::waiting;
    Clock::time_point since{};
  };
  std::optional<Id> oldest(Clock::time_point now, std::optional<Clock::duration> write_grace) const;

  std::unordered_map<Id, Entry> entries_;
};

}  // namespace wte::web
