#include "progress/progress_command.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <istream>
#include <optional>
#include <ostream>
#include <thread>

#include "log/master_log.hpp"
#include "log/session_state.hpp"
#include "log/summary_json.hpp"
#include "progress/progress_report.hpp"
#include "progress/status_printer.hpp"

namespace wte::progress {

const char* const kProgressUsage =
    "usage: whm_transfer_exporter progress [--json] [--follow] [--items] [--interval MS] FILE|-\n"
    "  Summarises a transfer session's master log (FILE, or - for standard input).\n"
    "  --json       print one JSON document instead of the report\n"
    "  --follow     keep reading a growing log until the session ends (like tail -f)\n"
    "  --items      list every item with its status\n"
    "  --interval   milliseconds between reads with --follow (default 1000)\n"
    "exit status: 0 completed, no failed item; 1 completed with failed items, FAILED or\n"
    "ABORTED; 3 still running or paused; 2 usage or I/O error\n";

namespace {

struct Options {
  bool json = false;
  bool follow = false;
  bool items = false;
  std::chrono::milliseconds interval{1000};
  std::string path;
};

std::optional<Options> parse_args(std::span<const std::string> args, std::ostream& err) {
  Options o;
  bool have_path = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json")
      o.json = true;
    else if (a == "--follow" || a == "-f")
      o.follow = true;
    else if (a == "--items")
      o.items = true;
    else if (a == "--interval" && i + 1 < args.size()) {
      const std::string& v = args[++i];
      char* end = nullptr;
      const long ms = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0' || ms < 1 || ms > 3600000) {
        err << "whm_transfer_exporter progress: --interval needs milliseconds (1 to 3600000), got "
               "\""
            << v << "\"\n";
        return std::nullopt;
      }
      o.interval = std::chrono::milliseconds(ms);
    } else if (a == "-" || (!a.starts_with("-") && !have_path)) {
      o.path = a;
      have_path = true;
    } else {
      err << "whm_transfer_exporter progress: unknown argument \"" << a << "\"\n" << kProgressUsage;
      return std::nullopt;
    }
  }
  if (!have_path) {
    err << "whm_transfer_exporter progress: missing FILE (or - for standard input)\n"
        << kProgressUsage;
    return std::nullopt;
  }
  return o;
}

// A file descriptor that closes itself.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

constexpr std::size_t kChunk = 64 * 1024;

// Reads what is there now. Returns false (and reports) on an I/O error.
bool drain_fd(int fd, log::MasterLog& log, std::uint64_t& offset, const std::string& path,
              std::ostream& err) {
  std::string buf(kChunk, '\0');
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      err << "whm_transfer_exporter progress: " << path << ": " << std::strerror(errno) << "\n";
      return false;
    }
    log.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    offset += static_cast<std::uint64_t>(n);
  }
}

void print_result(const log::MasterLog& log, const Options& o, std::ostream& out) {
  if (o.json) {
    out << log::summary_json(log.model()) << "\n";
  } else {
    ReportOptions r;
    r.items = o.items;
    out << render_report(log.model(), r);
  }
}

int follow_file(const Options& o, CommandIo io) {
  Fd fd(::open(o.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    io.err << "whm_transfer_exporter progress: " << o.path << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  // The descriptor follows the inode: cPanel's rename of .master.log to master.log at the
  // end of the session changes nothing for us.
  log::MasterLog log;
  std::uint64_t offset = 0;
  StatusPrinter printer(io.out, io.out_is_terminal);
  for (;;) {
    if (!drain_fd(fd.get(), log, offset, o.path, io.err)) return 2;
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) < offset) {
      // Truncated under us: start over.
      ::lseek(fd.get(), 0, SEEK_SET);
      log = log::MasterLog();
      offset = 0;
      continue;
    }
    if (!o.json) printer.show(render_status(log.model()));
    if (log::is_final_state(log.info().state)) break;
    std::this_thread::sleep_for(o.interval);
  }
  log.finish();
  if (o.json) {
    io.out << log::summary_json(log.model()) << "\n";
  } else {
    ReportOptions r;
    r.items = o.items;
    const std::string report = render_report(log.model(), r);
    io.out << report.substr(render_status(log.model()).size());  // the status is on screen
  }
  return exit_status(log.model());
}

int read_stream(const Options& o, CommandIo io) {
  log::MasterLog log;
  std::string buf(kChunk, '\0');
  while (io.in) {
    io.in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(io.in.gcount());
    if (n == 0) break;
    log.feed(std::string_view(buf.data(), n));
  }
  if (io.in.bad()) {
    io.err << "whm_transfer_exporter progress: -: read error on standard input\n";
    return 2;
  }
  log.finish();
  print_result(log, o, io.out);
  return exit_status(log.model());
}

int read_file_once(const Options& o, CommandIo io) {
  Fd fd(::open(o.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    io.err << "whm_transfer_exporter progress: " << o.path << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
    io.err << "whm_transfer_exporter progress: " << o.path << ": is a directory\n";
    return 2;
  }
  log::MasterLog log;
  std::uint64_t offset = 0;
  if (!drain_fd(fd.get(), log, offset, o.path, io.err)) return 2;
  log.finish();
  print_result(log, o, io.out);
  return exit_status(log.model());
}

}  // namespace

int run_progress_command(std::span<const std::string> args, CommandIo io) {
  const auto options = parse_args(args, io.err);
  if (!options) return 2;
  if (options->path == "-") return read_stream(*options, io);
  if (options->follow) return follow_file(*options, io);
  return read_file_once(*options, io);
}

}  // namespace wte::progress
