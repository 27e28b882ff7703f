#pragma once
// The process_* metrics that every Go exporter has (client_golang's process collector) and
// dashboards expect: CPU seconds, resident and virtual memory, open and maximum file
// descriptors, start time. prometheus-cpp has none, so they are read from /proc at scrape
// time. The reading (read_process_stats) is apart from the parsing, which is pure.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace wte::metrics {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double start_time_seconds = 0;  // Unix time
  std::optional<double> open_fds;
  std::optional<double> max_fds;  // the soft limit; none when unlimited
};

// The fields of /proc/[pid]/stat this needs (proc(5): utime, stime, starttime, vsize, rss).
struct ProcSelfStat {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks = 0;  // after boot
  std::uint64_t vsize_bytes = 0;
  std::int64_t rss_pages = 0;
};

// /proc/self/stat; nullopt if it is not that (the command name may hold spaces and parens).
std::optional<ProcSelfStat> parse_proc_self_stat(std::string_view text);
// The `btime` line of /proc/stat: boot time, Unix seconds.
std::optional<double> parse_boot_time(std::string_view proc_stat);
// The soft limit of "Max open files" in /proc/self/limits; nullopt if absent or unlimited.
std::optional<double> parse_max_open_files(std::string_view limits);
// Combines them; `ticks_per_second` is sysconf(_SC_CLK_TCK), `page_size` in bytes.
ProcessStats process_stats(const ProcSelfStat& stat, double boot_time, long ticks_per_second,
                           long page_size);

// Reads /proc/self/stat, /proc/stat, /proc/self/limits and /proc/self/fd; nullopt when
// /proc cannot be read (then no process_* series are exported).
std::optional<ProcessStats> read_process_stats();

class ProcessCollector : public prometheus::Collectable {
 public:
  using Reader = std::function<std::optional<ProcessStats>()>;
  explicit ProcessCollector(Reader reader = read_process_stats) : reader_(std::move(reader)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  Reader reader_;
};

}  // namespace wte::metrics
