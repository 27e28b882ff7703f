#include "progress/progress_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <ostream>
#include <thread>

#include "log/master_log.hpp"
#include "log/session_state.hpp"
#include "log/summary_json.hpp"
#include "progress/log_check.hpp"
#include "progress/progress_report.hpp"

namespace wte::progress {

const char* const kProgressUsage =
    "usage: whm_transfer_exporter progress [--json] [--follow] [--items] [--interval MS] FILE|-\n"
    "  Summarises a transfer session's master log (FILE, or - for standard input).\n"
    "  --json       print one JSON document instead of the report\n"
    "  --follow     keep reading a growing log, or a pipe, until the session's state is final\n"
    "               (like tail -f); on a terminal the status block is redrawn in place, and\n"
    "               failed and dangerous items are printed above it as they happen\n"
    "  --items      list every item with its status\n"
    "  --interval   milliseconds between reads with --follow (default 1000)\n"
    "  Colour on a terminal unless NO_COLOR is set; plain lines when stdout is not a terminal.\n"
    "exit status: 0 completed, no failed item; 1 completed with failed items, FAILED or\n"
    "ABORTED; 3 running, paused or not started; 2 usage or I/O error, or not a transfer\n"
    "master log (no master-log line in its first 64 KiB)\n";

namespace {

constexpr std::string_view kCommand = "whm_transfer_exporter progress: ";

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
        err << kCommand << "--interval needs milliseconds (1 to 3600000), got \"" << v << "\"\n";
        return std::nullopt;
      }
      o.interval = std::chrono::milliseconds(ms);
    } else if (a == "-" || (!a.starts_with("-") && !have_path)) {
      o.path = a;
      have_path = true;
    } else {
      err << kCommand << "unknown argument \"" << a << "\"\n" << kProgressUsage;
      return std::nullopt;
    }
  }
  if (!have_path) {
    err << kCommand << "missing FILE (or - for standard input)\n" << kProgressUsage;
    return std::nullopt;
  }
  return o;
}

// A file descriptor that closes itself (lib/os is not among this module's layers).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

 private:
  int fd_;
};

constexpr std::size_t kChunk = 64 * 1024;
// With --follow on a pipe, the most read before the block is redrawn.
constexpr std::size_t kMaxReadPerRound = 4 * 1024 * 1024;

// What was read so far: the log, and whether it is one (the first 64 KiB decide).
struct Reading {
  log::MasterLog log;
  MasterLogCheck check;
  std::uint64_t offset = 0;

  void feed(std::string_view bytes) {
    const auto head = bytes.substr(0, std::min(bytes.size(), check.window_left()));
    if (!head.empty()) {
      log.feed(head);
      check.observe(head, log.info());
    }
    if (head.size() < bytes.size()) log.feed(bytes.substr(head.size()));
    offset += bytes.size();
  }
  MasterLogCheck::Verdict verdict(bool input_ended) const {
    return check.verdict(log.info(), input_ended);
  }
};

// The input: a descriptor, what it is, and its name for messages.
struct Input {
  int fd = -1;
  bool regular = false;  // a file with a size (truncation shows); else a pipe, a terminal, ...
  std::string name;
};

enum class ReadStatus { data, nothing_now, end, error };

ReadStatus read_chunk(const Input& in, std::string& buf, Reading& r, std::ostream& err) {
  for (;;) {
    const ssize_t n = ::read(in.fd, buf.data(), buf.size());
    if (n > 0) {
      r.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
      return ReadStatus::data;
    }
    if (n == 0) return ReadStatus::end;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadStatus::nothing_now;
    err << kCommand << in.name << ": " << std::strerror(errno) << "\n";
    return ReadStatus::error;
  }
}

bool readable_within(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

int not_a_log(const Input& in, const Reading& r, bool input_ended, std::ostream& err) {
  err << kCommand << in.name << ": not a transfer master log (" << r.check.reason(input_ended)
      << ")\n";
  return 2;
}

int report(Reading& r, const Options& o, CommandIo io, StatusPrinter& printer) {
  r.log.finish();
  if (o.json) {
    io.out << log::summary_json(r.log.model()) << "\n";
  } else {
    ReportOptions options;
    options.items = o.items;
    printer.finish(r.log.model(), options);
  }
  return exit_status(r.log.model());
}

// Without --follow: everything there is, or the first 64 KiB if they are not a log (a
// device that never ends included).
int read_once(const Input& in, const Options& o, CommandIo io) {
  Reading r;
  std::string buf(kChunk, '\0');
  for (;;) {
    const ReadStatus s = read_chunk(in, buf, r, io.err);
    if (s == ReadStatus::error) return 2;
    if (s == ReadStatus::end) break;
    if (s == ReadStatus::nothing_now) readable_within(in.fd, std::chrono::milliseconds(-1));
    if (r.check.window_left() == 0 && r.verdict(false) == MasterLogCheck::Verdict::not_a_log)
      return not_a_log(in, r, false, io.err);
  }
  r.log.finish();
  if (r.verdict(true) == MasterLogCheck::Verdict::not_a_log) return not_a_log(in, r, true, io.err);
  StatusPrinter printer(io.out, display_of(io));
  return report(r, o, io, printer);
}

// --follow on a file: read to its end every interval until the state is final. The
// descriptor follows the inode: cPanel's rename of .master.log to master.log at the end of
// the session changes nothing.
int follow_file(const Input& in, const Options& o, CommandIo io) {
  Reading r;
  StatusPrinter printer(io.out, display_of(io));
  std::string buf(kChunk, '\0');
  for (;;) {
    ReadStatus s;
    while ((s = read_chunk(in, buf, r, io.err)) == ReadStatus::data) {
    }
    if (s == ReadStatus::error) return 2;
    struct stat st {};
    if (::fstat(in.fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < r.offset) {
      ::lseek(in.fd, 0, SEEK_SET);  // truncated under us: start over
      r = Reading();
      continue;
    }
    if (r.verdict(false) == MasterLogCheck::Verdict::not_a_log)
      return not_a_log(in, r, false, io.err);
    if (!o.json) printer.show(r.log.model());
    if (log::is_final_state(r.log.info().state)) break;
    std::this_thread::sleep_for(o.interval);
  }
  return report(r, o, io, printer);
}

// --follow on a pipe (tail -f | progress --follow -): what arrives, redrawn at least every
// interval, until the state is final or the pipe closes.
int follow_stream(const Input& in, const Options& o, CommandIo io) {
  Reading r;
  StatusPrinter printer(io.out, display_of(io));
  std::string buf(kChunk, '\0');
  bool ended = false;
  while (!ended) {
    if (readable_within(in.fd, o.interval)) {
      const std::uint64_t round_start = r.offset;
      do {
        const ReadStatus s = read_chunk(in, buf, r, io.err);
        if (s == ReadStatus::error) return 2;
        if (s == ReadStatus::end) ended = true;
        if (s != ReadStatus::data) break;
      } while (r.offset - round_start < kMaxReadPerRound &&
               readable_within(in.fd, std::chrono::milliseconds(0)));
    }
    if (r.verdict(ended) == MasterLogCheck::Verdict::not_a_log)
      return not_a_log(in, r, ended, io.err);
    if (!o.json) printer.show(r.log.model());
    if (log::is_final_state(r.log.info().state)) break;
  }
  return report(r, o, io, printer);
}

}  // namespace

Display display_of(const CommandIo& io) {
  return make_display(io.out_fd, io.out_is_terminal, std::getenv("TERM"), std::getenv("NO_COLOR"));
}

int run_progress_command(std::span<const std::string> args, CommandIo io) {
  const auto options = parse_args(args, io.err);
  if (!options) return 2;
  Input in;
  std::optional<Fd> owned;
  if (options->path == "-") {
    in.fd = io.in_fd;
    in.name = "standard input";
  } else {
    in.fd = ::open(options->path.c_str(), O_RDONLY | O_CLOEXEC);
    in.name = options->path;
    if (in.fd < 0) {
      io.err << kCommand << in.name << ": " << std::strerror(errno) << "\n";
      return 2;
    }
    owned.emplace(in.fd);
  }
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) {
    io.err << kCommand << in.name << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  if (S_ISDIR(st.st_mode)) {
    io.err << kCommand << in.name << ": is a directory\n";
    return 2;
  }
  in.regular = S_ISREG(st.st_mode);
  if (!options->follow) return read_once(in, *options, io);
  return in.regular ? follow_file(in, *options, io) : follow_stream(in, *options, io);
}

}  // namespace wte::progress
