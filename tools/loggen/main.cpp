// loggen: writes a realistic master log (see log_generator.hpp) to a file or stdout.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "loggen/log_generator.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: loggen [--accounts N] [--bytes SIZE (e.g. 100M)] [--style modern|legacy|mixed]\n"
    "              [--seed N] [--end-state COMPLETED|ABORTED|FAILED|RUNNING]\n"
    "              [--failure-rate X] [--warning-rate X] [--dangerous-rate X]\n"
    "              [--child-failed-rate X] [--workers N] [--pause-resume]\n"
    "              [--initiator NAME] [--remote-host HOST] [--start-time EPOCH]\n"
    "              [--summary] [--out FILE]\n";

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// "4096", "64K", "100M", "2G" (powers of 1024).
std::optional<std::uint64_t> parse_size(std::string_view s) {
  std::uint64_t mult = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K':
      case 'k':
        mult = 1ULL << 10;
        break;
      case 'M':
      case 'm':
        mult = 1ULL << 20;
        break;
      case 'G':
      case 'g':
        mult = 1ULL << 30;
        break;
      default:
        break;
    }
    if (mult != 1) s.remove_suffix(1);
  }
  const auto n = parse_uint(s);
  if (!n) return std::nullopt;
  return *n * mult;
}

std::optional<double> parse_rate(std::string_view s) {
  try {
    std::size_t used = 0;
    const double v = std::stod(std::string(s), &used);
    if (used != s.size() || v < 0 || v > 1) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Options {
  wte::loggen::LogSpec spec;
  std::string out;
  bool summary = false;
};

// Applies one flag with its value; returns an error message or nothing.
std::optional<std::string> apply(Options& o, std::string_view flag, std::string_view value) {
  auto& s = o.spec;
  auto bad = [&] { return "bad value for " + std::string(flag) + ": " + std::string(value); };
  if (flag == "--accounts" || flag == "--seed" || flag == "--workers" || flag == "--start-time") {
    const auto n = parse_uint(value);
    if (!n) return bad();
    if (flag == "--accounts") s.accounts = *n;
    if (flag == "--seed") s.seed = *n;
    if (flag == "--workers") s.workers = static_cast<unsigned>(*n);
    if (flag == "--start-time") s.start_time = static_cast<std::int64_t>(*n);
  } else if (flag == "--bytes") {
    const auto n = parse_size(value);
    if (!n) return bad();
    s.target_bytes = *n;
  } else if (flag == "--style") {
    const auto st = wte::loggen::parse_style(value);
    if (!st) return bad();
    s.style = *st;
  } else if (flag == "--end-state") {
    if (value != "COMPLETED" && value != "ABORTED" && value != "FAILED" && value != "RUNNING") {
      return bad();
    }
    s.end_state = std::string(value);
  } else if (flag.ends_with("-rate")) {
    const auto r = parse_rate(value);
    if (!r) return bad();
    if (flag == "--failure-rate")
      s.failure_rate = *r;
    else if (flag == "--warning-rate")
      s.warning_rate = *r;
    else if (flag == "--dangerous-rate")
      s.dangerous_rate = *r;
    else if (flag == "--child-failed-rate")
      s.child_failed_rate = *r;
    else
      return "unknown option " + std::string(flag);
  } else if (flag == "--initiator") {
    s.initiator = std::string(value);
  } else if (flag == "--remote-host") {
    s.remote_host = std::string(value);
  } else if (flag == "--out") {
    o.out = std::string(value);
  } else {
    return "unknown option " + std::string(flag);
  }
  return std::nullopt;
}

void print_summary(const wte::loggen::Expected& e) {
  std::cerr << "lines " << e.lines << ", bytes " << e.bytes << ", state " << e.state << "\n";
  for (const auto& q : e.queues) {
    std::cerr << q.name << ": total " << q.items_total.value_or(-1) << ", started "
              << q.items_started << ", succeeded " << q.items_succeeded << " (warnings "
              << q.items_with_warnings << "), failed " << q.items_failed << ", dangerous "
              << q.dangerous_items << ", child failures " << q.child_failures << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (flag == "--pause-resume") {
      o.spec.pause_resume = true;
      continue;
    }
    if (flag == "--summary") {
      o.summary = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "loggen: " << flag << " needs a value\n" << kUsage;
      return 2;
    }
    if (auto err = apply(o, flag, argv[++i])) {
      std::cerr << "loggen: " << *err << "\n" << kUsage;
      return 2;
    }
  }
  std::ofstream file;
  if (!o.out.empty()) {
    file.open(o.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "loggen: cannot write " << o.out << "\n";
      return 1;
    }
  }
  std::ostream& out = o.out.empty() ? std::cout : file;
  std::ios::sync_with_stdio(false);
  const auto expected = wte::loggen::generate(o.spec, [&](std::string_view line) {
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    out.put('\n');
  });
  out.flush();
  if (!out) {
    std::cerr << "loggen: write failed\n";
    return 1;
  }
  if (o.summary) print_summary(expected);
  return 0;
}
