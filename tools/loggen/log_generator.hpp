#pragma once
// A realistic master-log generator (docs/LOG-FORMAT.md section 3) for tests, benchmarks and
// the simulator. It streams the log line by line, deterministic for a seed (no clocks), and
// keeps the truth about what it wrote (`expected()`), so tests can check the engine.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wte::loggen {

struct LogSpec {
  std::size_t accounts = 10;
  unsigned workers = 3;  // per queue
  // modern: JSON numbers, `time`, raw UTF-8. legacy (2014): numbers as strings, no time,
  // \u escapes. mixed: each line picks one of the two.
  enum class Style { modern, legacy, mixed } style = Style::modern;
  double failure_rate = 0.05;
  double warning_rate = 0.2;
  double dangerous_rate = 0.05;
  double child_failed_rate = 0.01;
  bool pause_resume = false;
  std::string end_state = "COMPLETED";  // COMPLETED | ABORTED | FAILED | RUNNING (no end)
  std::uint64_t seed = 1;
  std::int64_t start_time = 1598991042;
  // If > 0: `accounts` is ignored, accounts keep coming until the log reaches this many
  // bytes, and the log stops at the first line that reaches it (a snapshot of a running
  // session; `end_state` is ignored).
  std::size_t target_bytes = 0;
  std::string remote_host = "source.example.com";
  std::string initiator = "copyacct";
};

// "modern", "legacy", "mixed"; nullopt for anything else.
std::optional<LogSpec::Style> parse_style(std::string_view name) noexcept;

// What the lines written so far amount to, with the meaning of docs/LOG-FORMAT.md section 4.
struct ExpectedQueue {
  std::string name;
  std::optional<std::int64_t> items_total;
  std::optional<std::int64_t> bytes_total;
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
};

// One account's item in one queue, as written: its first start line and its last result
// (times only from lines that carry one: modern lines).
struct ExpectedAccountItem {
  std::string queue;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> result_at;
  std::uint64_t result_line = 0;  // 1-based line number of the last result; 0: none yet
  bool failed = false;            // its last result failed
  std::string failure;            // that result's text
  std::optional<std::int64_t> size;
  std::int64_t dangerous_items = 0;
};

struct ExpectedAccount {
  std::string name;
  std::vector<ExpectedAccountItem> items;  // in order of first appearance

  const ExpectedAccountItem* item(std::string_view queue) const noexcept;
};

struct Expected {
  std::string state = "PENDING";
  std::optional<std::string> initiator;
  std::optional<std::string> version;
  std::optional<std::string> remote_host;
  std::optional<std::int64_t> started_at;
  std::optional<std::int64_t> last_event_at;
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;                // including the newlines
  std::vector<ExpectedQueue> queues;      // in order of first appearance
  std::vector<ExpectedAccount> accounts;  // every item name, in order of first appearance

  const ExpectedQueue* queue(std::string_view name) const noexcept;
};

class LogGenerator {
 public:
  explicit LogGenerator(LogSpec spec);
  ~LogGenerator();
  LogGenerator(const LogGenerator&) = delete;
  LogGenerator& operator=(const LogGenerator&) = delete;

  // The next line, without its newline; false when the log is over.
  bool next(std::string& line);
  // Truth about every line returned so far.
  const Expected& expected() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streams every line (without newline) to `sink`; returns the truth about the whole log.
Expected generate(const LogSpec& spec, const std::function<void(std::string_view)>& sink);
// The whole log as one string, each line ending in '\n' (for small logs).
std::string generate_text(const LogSpec& spec, Expected* expected = nullptr);

}  // namespace wte::loggen
