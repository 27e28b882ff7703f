#include "web/connection_table.hpp"

namespace wte::web {

void ConnectionTable::set_waiting(Id id, Clock::time_point since) {
  if (auto it = entries_.find(id); it != entries_.end()) it->second = {State::waiting, since};
}

void ConnectionTable::set_busy(Id id) {
  if (auto it = entries_.find(id); it != entries_.end()) it->second.state = State::busy;
}

void ConnectionTable::set_writing(Id id, Clock::time_point since) {
  if (auto it = entries_.find(id); it != entries_.end()) it->second = {State::writing, since};
}

std::optional<ConnectionTable::Id> ConnectionTable::oldest(
    Clock::time_point now, std::optional<Clock::duration> write_grace) const {
  std::optional<Id> best;
  Clock::time_point best_since{};
  // A linear scan: it runs only at the limit, over at most max_connections entries.
  for (const auto& [id, entry] : entries_) {
    const bool candidate =
        entry.state == State::waiting ||
        (entry.state == State::writing && write_grace && now - entry.since >= *write_grace);
    if (!candidate) continue;
    if (!best || entry.since < best_since || (entry.since == best_since && id < *best)) {
      best = id;
      best_since = entry.since;
    }
  }
  return best;
}

std::optional<ConnectionTable::Id> ConnectionTable::longest_waiting() const {
  return oldest(Clock::time_point{}, std::nullopt);
}

std::optional<ConnectionTable::Id> ConnectionTable::evictable(Clock::time_point now,
                                                              Clock::duration write_grace) const {
  return oldest(now, write_grace);
}

}  // namespace wte::web
