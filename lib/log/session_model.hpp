#pragma once
// The summary of one session's master log (docs/LOG-FORMAT.md section 4), built event by
// event. Pure: it knows nothing of files, sockets or clocks.
#include <array>
#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/log_event.hpp"

namespace wte::log {

struct LogAction;  // log_actions.hpp
enum class QueueEffect : std::uint8_t;
enum class SessionField : std::uint8_t;

enum class ItemStatus : std::uint8_t { started, succeeded, failed };
std::string_view to_string(ItemStatus s) noexcept;

// Bounds on what one item keeps, so memory grows with items, not with log length.
struct ItemLimits {
  std::size_t max_text_bytes = 2048;  // a failure, dangerous or altered text
  std::size_t max_texts = 32;         // dangerous (and, separately, altered) texts per item
};

struct ItemRecord {
  std::string queue;
  std::string name;
  std::string item_type;
  ItemStatus status = ItemStatus::started;
  bool had_warnings = false;
  std::optional<std::int64_t> size;
  // Counts of the final result line (0 until there is one).
  std::int64_t warnings = 0;
  std::int64_t dangerous_items = 0;
  std::int64_t skipped_items = 0;
  std::int64_t altered_items = 0;
  std::optional<std::string> failure;
  std::vector<std::string> dangerous_texts;
  std::vector<std::string> altered_texts;

  bool finished() const noexcept { return status != ItemStatus::started; }
};

// When an item ran, parallel to ItemRecord (a plain struct: the engine moves these about
// as it grows, and they cost a copy of bytes). Times are effective times (SessionTimes).
struct ItemTiming {
  std::optional<std::int64_t> started_at;  // its first start, process-item or start-item line
  std::optional<std::int64_t> result_at;   // its last result line
  std::uint64_t result_line = 0;           // the line number of that result: orders failures
  std::size_t account = 0;                 // index into SessionModel::accounts()

  // From the first start to the last result; unknown without both times.
  std::optional<std::int64_t> duration() const noexcept;
};

// An item whose type names an account (AccountRemoteRoot, AccountRemoteUser, AccountLocal,
// ...: it starts with "Account"); an item of unknown type counts as one.
bool is_account_type(std::string_view item_type) noexcept;

// The items of all queues that share a name: one account's TRANSFER and RESTORE items
// (only those of an account type count as the account: is_account_type).
struct AccountRecord {
  boost::container::small_vector<std::size_t, 2> items;  // indices into items(), by appearance
};

// The session's effective times: a line's `time`, else the time the exporter read it at
// (MasterLog::feed's `now_unix`), else unknown.
struct SessionTimes {
  std::optional<std::int64_t> first;  // the earliest effective time
  std::optional<std::int64_t> last;   // the latest effective time
  bool from_exporter_clock = false;   // some effective time is the exporter's clock
};

struct QueueCounts {
  std::optional<std::int64_t> items_total;  // last queue_count
  std::optional<std::int64_t> bytes_total;  // last queue_size
  std::int64_t items_started = 0;
  std::int64_t items_finished = 0;
  std::int64_t items_succeeded = 0;
  std::int64_t items_with_warnings = 0;
  std::int64_t items_failed = 0;
  std::int64_t bytes_finished = 0;
  std::int64_t warnings = 0;
  std::int64_t dangerous_items = 0;
  std::int64_t skipped_items = 0;
  std::int64_t altered_items = 0;
  std::int64_t child_failures = 0;

  // items_finished / items_total; nullopt when the total is unknown or 0.
  std::optional<double> progress() const noexcept;
  bool operator==(const QueueCounts&) const = default;
};

struct Queue {
  std::string name;
  QueueCounts counts;
};

struct SessionInfo {
  std::string state{"PENDING"};  // from the log alone
  std::optional<std::string> initiator;
  std::optional<std::string> version;
  std::optional<std::string> remote_host;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> last_event_at;
  std::uint64_t lines = 0;
  std::uint64_t malformed_lines = 0;
  std::uint64_t pending_bytes = 0;
  std::uint64_t overlong_lines = 0;  // the malformed lines that were over the length limit
  bool operator==(const SessionInfo&) const = default;
};

class SessionModel {
 public:
  explicit SessionModel(ItemLimits limits = {}) : limits_(limits) {}

  // `clock`: when the exporter read the line (Unix seconds), for a line without `time`.
  void apply(const LogEvent& event, std::optional<std::int64_t> clock = std::nullopt);
  void count_malformed() noexcept { ++info_.malformed_lines; }
  void count_overlong() noexcept {
    ++info_.malformed_lines;
    ++info_.overlong_lines;
  }
  void set_pending_bytes(std::uint64_t n) noexcept { info_.pending_bytes = n; }

  const SessionInfo& info() const noexcept { return info_; }
  // Queues in order of first appearance (TRANSFER, RESTORE in practice).
  const std::vector<Queue>& queues() const noexcept { return queues_; }
  const Queue* queue(std::string_view name) const noexcept;
  // Items in order of first appearance, across queues.
  const std::vector<ItemRecord>& items() const noexcept { return items_; }
  // Items grouped by name, in order of first appearance.
  const std::vector<AccountRecord>& accounts() const noexcept { return accounts_; }
  // Parallel to items().
  const std::vector<ItemTiming>& timings() const noexcept { return timings_; }
  const SessionTimes& times() const noexcept { return times_; }

 private:
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // Open addressing, keys stored in the table: no node allocated per item, and a lookup
  // touches one cache line instead of chasing a bucket list.
  using ItemIndex = boost::unordered_flat_map<std::string, std::size_t, KeyHash, std::equal_to<>>;

  std::size_t queue_index(std::string_view name);
  void note_time(const LogEvent& e, std::optional<std::int64_t> clock) noexcept;
  std::size_t account_of(std::size_t queue, std::string_view name);
  ItemRecord& item(std::size_t queue, std::string_view name);
  void apply_session_action(const LogEvent& e, const LogAction& action);
  void apply_queue_action(const LogEvent& e, QueueEffect effect, std::size_t queue);
  std::optional<std::string>* session_field(SessionField f) noexcept;
  // A result line (success-item, warning-item or failed-item) about `item`.
  void apply_result(const LogEvent& e, ItemRecord& item, bool failed, bool warning_line) const;

  ItemLimits limits_;
  SessionInfo info_;
  std::vector<Queue> queues_;
  std::vector<ItemIndex> item_index_;  // one per queue, parallel to queues_
  // The items looked up last in each queue, parallel to queues_: the workers of a session
  // (up to a handful) write lines in turn, each several about one item, so most lookups
  // find their item here and skip hashing the name.
  struct RecentItem {
    std::uint64_t fingerprint = 0;
    std::string name;  // as written in the log
    std::size_t index = 0;
  };
  static constexpr std::size_t kRecentItems = 8;
  struct RecentItems {
    std::array<RecentItem, kRecentItems> items;
    std::size_t next = 0;  // the one replaced next
  };
  std::vector<RecentItems> recent_;
  std::vector<ItemRecord> items_;
  std::vector<ItemTiming> timings_;
  std::vector<AccountRecord> accounts_;
  SessionTimes times_;
  std::optional<std::int64_t> line_time_;  // the effective time of the line being applied
  std::string key_scratch_;                // an item name repaired to valid UTF-8, reused
};

}  // namespace wte::log
