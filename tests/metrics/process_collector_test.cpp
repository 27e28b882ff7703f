// process_* metrics: the /proc parsing on fixture text, and the values read from this very
// process, checked against what /proc and the C library say.
#include "metrics/process_collector.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

using wte::metrics::ProcessCollector;
using wte::metrics::ProcessStats;

namespace {

// proc(5) for `cat`, with a command name that holds spaces and parentheses.
const char* const kStat =
    "19434 (my (odd) name) R 19432 19432 5766 0 -1 4194304 99 0 0 0 250 50 0 0 20 0 1 0 "
    "102298 3133440 410 18446744073709551615 94179721768960 94179721788841 140725172975552 "
    "0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

const char* const kLimits =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max cpu time              unlimited            unlimited            seconds   \n"
    "Max open files            1024                 524288               files     \n"
    "Max locked memory         8388608              8388608              bytes     \n";

long kib_field(const std::string& status, const std::string& name) {
  std::istringstream in(status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(name + ":")) return std::stol(line.substr(name.size() + 1));
  }
  return -1;
}

std::string read_all(const char* path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("parse /proc/self/stat past a command name with spaces and parentheses") {
  const auto stat = wte::metrics::parse_proc_self_stat(kStat);
  REQUIRE(stat.has_value());
  CHECK(stat->utime_ticks == 250);
  CHECK(stat->stime_ticks == 50);
  CHECK(stat->start_ticks == 102298);
  CHECK(stat->vsize_bytes == 3133440);
  CHECK(stat->rss_pages == 410);
  CHECK_FALSE(wte::metrics::parse_proc_self_stat("").has_value());
  CHECK_FALSE(wte::metrics::parse_proc_self_stat("1 (x) R 2 3").has_value());
  CHECK_FALSE(wte::metrics::parse_proc_self_stat("no parenthesis at all").has_value());
}

TEST_CASE("boot time, max open files, and the sums") {
  CHECK(wte::metrics::parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1796064258\nprocesses 9\n") ==
        1796064258.0);
  CHECK_FALSE(wte::metrics::parse_boot_time("cpu 1 2 3\n").has_value());
  CHECK(wte::metrics::parse_max_open_files(kLimits) == 1024.0);
  CHECK_FALSE(wte::metrics::parse_max_open_files("Max open files  unlimited  unlimited  files\n")
                  .has_value());
  CHECK_FALSE(wte::metrics::parse_max_open_files("").has_value());

  const auto stat = wte::metrics::parse_proc_self_stat(kStat);
  const ProcessStats s = wte::metrics::process_stats(*stat, 1796064258.0, 100, 4096);
  CHECK(s.cpu_seconds == doctest::Approx(3.0));
  CHECK(s.resident_memory_bytes == 410.0 * 4096);
  CHECK(s.virtual_memory_bytes == 3133440.0);
  CHECK(s.start_time_seconds == doctest::Approx(1796064258.0 + 1022.98));
}

TEST_CASE("values read from /proc/self are sane against /proc and the C library") {
  const auto before = wte::metrics::read_process_stats();
  REQUIRE(before.has_value());
  const std::string status = read_all("/proc/self/status");
  const double rss = static_cast<double>(kib_field(status, "VmRSS")) * 1024;
  const double vsize = static_cast<double>(kib_field(status, "VmSize")) * 1024;
  CHECK(before->resident_memory_bytes > rss / 2);
  CHECK(before->resident_memory_bytes < rss * 2);
  CHECK(before->virtual_memory_bytes > vsize / 2);
  CHECK(before->virtual_memory_bytes < vsize * 2);
  // Started before now, and not before the machine booted.
  CHECK(before->start_time_seconds <= unix_now() + 1);
  CHECK(before->start_time_seconds > unix_now() - 24 * 3600 * 365.0);
  CHECK(before->cpu_seconds >= 0);
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur != RLIM_INFINITY) {
    CHECK(before->max_fds == static_cast<double>(limit.rlim_cur));
  }
  REQUIRE(before->open_fds.has_value());
  CHECK(*before->open_fds >= 3);  // stdin, stdout, stderr at least

  // One more open file is one more descriptor.
  const int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const auto during = wte::metrics::read_process_stats();
  ::close(fd);
  CHECK(*during->open_fds == *before->open_fds + 1);

  // Burn CPU until the counter moves (clock ticks are 10 ms; the machine may be busy, so
  // the deadline is generous): it moves forward, never back.
  volatile double sink = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto after = wte::metrics::read_process_stats();
  while (after->cpu_seconds <= before->cpu_seconds && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 1000000; ++i) sink = sink + 1;
    after = wte::metrics::read_process_stats();
  }
  CHECK(after->cpu_seconds > before->cpu_seconds);
  CHECK(after->start_time_seconds == doctest::Approx(before->start_time_seconds));
}

TEST_CASE("the collector's families, as client_golang names them") {
  ProcessStats s;
  s.cpu_seconds = 1.5;
  s.resident_memory_bytes = 1e6;
  s.virtual_memory_bytes = 2e6;
  s.start_time_seconds = 1.7e9;
  s.open_fds = 9;
  s.max_fds = 1024;
  const ProcessCollector c([s] { return s; });
  const auto families = c.Collect();
  REQUIRE(families.size() == 6);
  CHECK(families[0].name == "process_cpu_seconds_total");
  CHECK(families[0].type == prometheus::MetricType::Counter);
  CHECK(families[0].metric.at(0).counter.value == 1.5);
  std::string names;
  for (const auto& f : families) names += f.name + " ";
  CHECK(names ==
        "process_cpu_seconds_total process_open_fds process_max_fds process_virtual_memory_bytes "
        "process_resident_memory_bytes process_start_time_seconds ");

  const ProcessCollector unreadable([] { return std::optional<ProcessStats>(); });
  CHECK(unreadable.Collect().empty());
}
