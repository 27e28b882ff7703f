#include "web/connection_table.hpp"

namespace wte::web {

void ConnectionTable::set_waiting(Id id, Clock::time_point since) {
  if (auto it = entries_.find(id); it != entries_.end()) it->second = since;
}

void ConnectionTable::set_busy(Id id) {
  if (auto it = entries_.find(id); it != entries_.end()) it->second.reset();
}

std::optional<ConnectionTable::Id> ConnectionTable::longest_waiting() const {
  std::optional<Id> best;
  Clock::time_point best_since{};
  // A linear scan: it runs only at the limit, over at most max_connections entries.
  for (const auto& [id, since] : entries_) {
    if (!since) continue;
    if (!best || *since < best_since || (*since == best_since && id < *best)) {
      best = id;
      best_since = *since;
    }
  }
  return best;
}

}  // namespace wte::web
