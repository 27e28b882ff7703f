#include "metrics/process_collector.hpp"

#include <dirent.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace wte::metrics {

namespace {

template <class Number>
std::optional<Number> number_of(std::string_view word) {
  Number value{};
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<double> count_open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double n = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;  // the directory's own descriptor, open only while counting
}

prometheus::MetricFamily family(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
  return f;
}

}  // namespace

std::optional<ProcSelfStat> parse_proc_self_stat(std::string_view text) {
  // "pid (comm) state ppid ...": comm is anything up to the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  const auto fields = words(text.substr(close + 1));
  // fields[0] is field 3 of proc(5) (state), so field N is fields[N - 3].
  if (fields.size() < 22) return std::nullopt;
  const auto utime = number_of<std::uint64_t>(fields[14 - 3]);
  const auto stime = number_of<std::uint64_t>(fields[15 - 3]);
  const auto start = number_of<std::uint64_t>(fields[22 - 3]);
  const auto vsize = number_of<std::uint64_t>(fields[23 - 3]);
  const auto rss = number_of<std::int64_t>(fields[24 - 3]);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  return ProcSelfStat{*utime, *stime, *start, *vsize, *rss};
}

std::optional<double> parse_boot_time(std::string_view proc_stat) {
  std::size_t pos = 0;
  while (pos < proc_stat.size()) {
    auto end = proc_stat.find('\n', pos);
    if (end == std::string_view::npos) end = proc_stat.size();
    const auto line = words(proc_stat.substr(pos, end - pos));
    if (line.size() == 2 && line[0] == "btime") {
      if (auto v = number_of<std::uint64_t>(line[1])) return static_cast<double>(*v);
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::optional<double> parse_max_open_files(std::string_view limits) {
  constexpr std::string_view kName = "Max open files";
  const auto at = limits.find(kName);
  if (at == std::string_view::npos) return std::nullopt;
  auto end = limits.find('\n', at);
  if (end == std::string_view::npos) end = limits.size();
  const auto rest = words(limits.substr(at + kName.size(), end - at - kName.size()));
  if (rest.empty()) return std::nullopt;
  if (auto v = number_of<std::uint64_t>(rest[0])) return static_cast<double>(*v);
  return std::nullopt;  // "unlimited"
}

ProcessStats process_stats(const ProcSelfStat& stat, double boot_time, long ticks_per_second,
                           long page_size) {
  const double ticks = ticks_per_second > 0 ? static_cast<double>(ticks_per_second) : 100.0;
  ProcessStats s;
  s.cpu_seconds = static_cast<double>(stat.utime_ticks + stat.stime_ticks) / ticks;
  s.resident_memory_bytes = static_cast<double>(stat.rss_pages) * static_cast<double>(page_size);
  s.virtual_memory_bytes = static_cast<double>(stat.vsize_bytes);
  s.start_time_seconds = boot_time + static_cast<double>(stat.start_ticks) / ticks;
  return s;
}

std::optional<ProcessStats> read_process_stats() {
  const auto self_stat = read_file("/proc/self/stat");
  const auto proc_stat = read_file("/proc/stat");
  if (!self_stat || !proc_stat) return std::nullopt;
  const auto stat = parse_proc_self_stat(*self_stat);
  const auto boot = parse_boot_time(*proc_stat);
  if (!stat || !boot) return std::nullopt;
  ProcessStats s = process_stats(*stat, *boot, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE));
  s.open_fds = count_open_fds();
  if (const auto limits = read_file("/proc/self/limits")) s.max_fds = parse_max_open_files(*limits);
  return s;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  const auto s = reader_ ? reader_() : std::nullopt;
  if (!s) return {};
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  out.push_back(family("process_cpu_seconds_total",
                       "Total user and system CPU time spent in seconds.", MetricType::Counter,
                       s->cpu_seconds));
  if (s->open_fds) {
    out.push_back(family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                         *s->open_fds));
  }
  if (s->max_fds) {
    out.push_back(family("process_max_fds", "Maximum number of open file descriptors.",
                         MetricType::Gauge, *s->max_fds));
  }
  out.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                       MetricType::Gauge, s->virtual_memory_bytes));
  out.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.",
                       MetricType::Gauge, s->resident_memory_bytes));
  out.push_back(family("process_start_time_seconds",
                       "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                       s->start_time_seconds));
  return out;
}

}  // namespace wte::metrics
