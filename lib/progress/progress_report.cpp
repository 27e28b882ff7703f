#include "progress/progress_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "log/session_state.hpp"
#include "text/escape.hpp"

namespace wte::progress {

std::string progress_bar(std::optional<double> ratio, std::size_t width) {
  const double r = ratio ? std::clamp(*ratio, 0.0, 1.0) : 0.0;
  const auto filled = static_cast<std::size_t>(std::floor(r * static_cast<double>(width)));
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive) on
  // "[" + std::string(...).
  std::string bar;
  bar.reserve(width + 2);
  bar += '[';
  bar.append(filled, '#');
  bar.append(width - filled, '-');
  bar += ']';
  return bar;
}

std::string format_bytes(std::int64_t bytes) {
  static constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (v >= 1024.0 && unit + 1 < kUnits.size()) {
    v /= 1024.0;
    ++unit;
  }
  char buf[32];
  if (unit == 0)
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string format_time(std::optional<std::int64_t> epoch_seconds) {
  if (!epoch_seconds) return "unknown";
  const std::time_t t = static_cast<std::time_t>(*epoch_seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "unknown";
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string format_duration(std::int64_t seconds) {
  char buf[48];
  const long long s = std::max<std::int64_t>(0, seconds);
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm %02llds", s / 60, s % 60);
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lldh %02lldm", s / 3600, s % 3600 / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldd %02lldh", s / 86400, s % 86400 / 3600);
  }
  return buf;
}

namespace {

std::string bytes_part(const log::QueueCounts& c) {
  if (c.bytes_total) {
    // "12.1 of 18.0 GiB": both in the unit of the total.
    const std::string total = format_bytes(*c.bytes_total);
    const auto space = total.find(' ');
    const std::string unit = total.substr(space + 1);
    double div = 1;
    for (const char* u : {"KiB", "MiB", "GiB", "TiB", "PiB"}) {
      div *= 1024;
      if (unit == u) break;
    }
    if (unit == "B") return std::to_string(c.bytes_finished) + " of " + total;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(c.bytes_finished) / div);
    return std::string(buf) + " of " + total;
  }
  return format_bytes(c.bytes_finished) + " done";
}

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string accounts_line(const log::AccountCounts& a) {
  std::string line = "Accounts  ";
  line += a.total ? std::to_string(a.done) + " of " + std::to_string(*a.total) + " done"
                  : std::to_string(a.done) + " done";
  line += " (" + std::to_string(a.failed) + " failed, " + std::to_string(a.with_dangerous_items) +
          " with dangerous items), ";
  line += a.remaining ? std::to_string(*a.remaining) + " remaining" : "total unknown";
  return line;
}

std::string pace_line(const log::SessionOverview& o, const log::SessionTimes& times) {
  const log::Throughput& t = o.throughput;
  std::string line = "Pace      ";
  if (!t.window_seconds || !t.accounts_per_hour) {
    line += times.last ? "unknown (no time has passed in the log yet)"
                       : "unknown (the log has no times)";
    return line;
  }
  char rate[48];
  std::snprintf(rate, sizeof rate, "%.1f accounts/h", *t.accounts_per_hour);
  line += rate;
  if (t.bytes_per_hour) {
    line += ", " + format_bytes(static_cast<std::int64_t>(std::llround(*t.bytes_per_hour))) + "/h";
  }
  line += " over the last " + format_duration(*t.window_seconds);
  if (t.estimated_completion) {
    line += "; estimated completion " + format_time(t.estimated_completion);
  } else if (o.accounts.remaining.value_or(1) > 0 && *t.accounts_per_hour == 0.0) {
    line += "; completion unknown (nothing finished lately)";
  }
  if (o.from_exporter_clock) line += " (times from the exporter's clock)";
  return line;
}

std::string queue_line(const log::Queue& queue, std::size_t bar_width) {
  const log::QueueCounts& c = queue.counts;
  char head[64];
  std::snprintf(head, sizeof head, "%-9s ", text::printable(queue.name).c_str());
  std::string line = head + progress_bar(c.progress(), bar_width);
  char counts[96];
  const std::string total = c.items_total ? std::to_string(*c.items_total) : "?";
  std::string pct = "?%";
  if (const auto p = c.progress()) {
    // Rounded, but never "100%" before the last item is done.
    long v = std::lround(*p * 100);
    if (v == 100 && *p < 1.0) v = 99;
    pct = std::to_string(v) + "%";
  }
  std::snprintf(counts, sizeof counts, " %4lld/%s items %4s  ",
                static_cast<long long>(c.items_finished), total.c_str(), pct.c_str());
  line += counts;
  line += bytes_part(c) + "  ";
  line += std::to_string(c.items_succeeded) + " succeeded";
  if (c.items_with_warnings > 0)
    line += " (" + std::to_string(c.items_with_warnings) + " with warnings)";
  line += ", " + std::to_string(c.items_failed) + " failed, ";
  line += plural(c.dangerous_items, "dangerous item", "dangerous items");
  if (c.child_failures > 0)
    line += ", " + plural(c.child_failures, "worker failure", "worker failures");
  return line;
}

namespace {

std::string header(const log::SessionInfo& s) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? text::printable(*v) : std::string("unknown");
  };
  std::string out = "Session   " + s.state + "   initiator " + opt(s.initiator) + "   version " +
                    opt(s.version) + "   source " + opt(s.remote_host) + "\n";
  out += "Started   " + format_time(s.started_at) + "   last event " +
         format_time(s.last_event_at) + "\n";
  out += "Lines     " + std::to_string(s.lines) + " (" + std::to_string(s.malformed_lines) +
         " malformed";
  if (s.pending_bytes > 0) out += ", " + std::to_string(s.pending_bytes) + " bytes pending";
  out += ")\n";
  return out;
}

std::string item_name(const log::ItemRecord& item) {
  return item.queue + " " + text::printable(item.name);
}

std::string details(const log::SessionModel& model) {
  std::string failed, flagged;
  for (const auto& item : model.items()) {
    if (item.status == log::ItemStatus::failed) {
      failed += "  " + item_name(item) + ": " +
                (item.failure ? text::printable(*item.failure) : std::string("(no failure text)")) +
                "\n";
    }
    if (item.dangerous_items > 0 || item.altered_items > 0 || !item.dangerous_texts.empty() ||
        !item.altered_texts.empty()) {
      flagged += "  " + item_name(item) + ": " +
                 plural(item.dangerous_items, "dangerous item", "dangerous items") + ", " +
                 plural(item.altered_items, "altered item", "altered items") + "\n";
      for (const auto& t : item.dangerous_texts)
        flagged += "    dangerous: " + text::printable(t) + "\n";
      for (const auto& t : item.altered_texts)
        flagged += "    altered:   " + text::printable(t) + "\n";
    }
  }
  std::string out;
  if (!failed.empty()) out += "\nFailed items:\n" + failed;
  if (!flagged.empty()) out += "\nItems with dangerous or altered items:\n" + flagged;
  return out;
}

std::string item_list(const log::SessionModel& model) {
  std::string out = "\nItems:\n";
  for (const auto& item : model.items()) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "  %-9s %-10s ", item.queue.c_str(),
                  std::string(log::to_string(item.status)).c_str());
    out += buf + text::printable(item.name);
    if (item.had_warnings) out += "  (had warnings)";
    if (item.size) out += "  " + format_bytes(*item.size);
    out += "\n";
  }
  return out;
}

const std::array<std::string_view, 2> kMainQueues = {"TRANSFER", "RESTORE"};

}  // namespace

namespace {

std::string status_block(const log::SessionModel& model, const log::SessionOverview& overview,
                         std::size_t bar_width) {
  std::string out = header(model.info());
  for (const std::string_view name : kMainQueues) {
    const log::Queue* q = model.queue(name);
    out += queue_line(q ? *q : log::Queue{std::string(name), {}}, bar_width) + "\n";
  }
  for (const auto& q : model.queues()) {
    if (q.name != "TRANSFER" && q.name != "RESTORE") out += queue_line(q, bar_width) + "\n";
  }
  out += accounts_line(overview.accounts) + "\n";
  out += pace_line(overview, model.times()) + "\n";
  return out;
}

std::string slowest_list(const log::SessionOverview& overview) {
  const auto slowest = overview.slowest();
  if (slowest.empty()) return {};
  std::string out = "\nSlowest accounts (first start to last result):\n";
  for (const log::SlowAccount& s : slowest) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "  %-9s %10s  ", text::printable(s.queue).c_str(),
                  format_duration(s.seconds).c_str());
    out += buf + text::printable(s.account) + "\n";
  }
  return out;
}

}  // namespace

std::string render_status(const log::SessionModel& model, std::size_t bar_width) {
  return status_block(model, log::session_overview(model), bar_width);
}

std::string render_report(const log::SessionModel& model, const ReportOptions& options) {
  const log::SessionOverview overview = log::session_overview(model);
  std::string out = status_block(model, overview, options.bar_width);
  if (options.details) out += details(model);
  if (options.items) out += item_list(model) + slowest_list(overview);
  return out;
}

int exit_status(const log::SessionModel& model) {
  return exit_status(model.info().state, model);
}

int exit_status(std::string_view state, const log::SessionModel& model) {
  if (state == log::state::kFailed || state == log::state::kAborted) return 1;
  if (state != log::state::kCompleted) return 3;
  for (const auto& q : model.queues()) {
    if (q.counts.items_failed > 0) return 1;
  }
  return 0;
}

}  // namespace wte::progress
