// whm-sim-tree: writes a WHM server's transfer_sessions folder (session_tree.hpp) for tests
// and the demo, growing each session's log at a given rate until every session has ended.
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "session_tree/session_tree.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: whm-sim-tree --dir DIR [--sessions N] [--accounts N] [--rate LINES_PER_SEC]\n"
    "                    [--end-state COMPLETED|ABORTED|FAILED|RUNNING] [--seed N]\n"
    "                    [--start-time EPOCH] [--once]\n"
    "  Writes DIR/whmxfer.sqlite and one folder per session whose .master.log grows by\n"
    "  LINES_PER_SEC lines a second (each session), then is renamed master.log.\n"
    "  --once writes every session to its end at once and exits. The sessions start at\n"
    "  EPOCH (default: now), so an exporter's retention treats them as recent.\n";

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> parse_positive(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !(v > 0)) return std::nullopt;
  return v;
}

struct Options {
  wte::session_tree::TreeSpec spec;
  double rate = 20;
  bool once = false;
};

// nullopt after printing why; the caller exits 2.
std::optional<Options> parse(int argc, char** argv) {
  Options o;
  o.spec.start_time = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--once") {
      o.once = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (i + 1 >= argc) {
      std::cerr << "whm-sim-tree: " << arg << " needs a value\n" << kUsage;
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    std::optional<std::uint64_t> n;
    if (arg == "--dir") {
      o.spec.dir = std::string(value);
    } else if (arg == "--end-state") {
      if (!wte::session_tree::state_integer(value)) {
        std::cerr << "whm-sim-tree: unknown state " << value << "\n";
        return std::nullopt;
      }
      o.spec.end_state = std::string(value);
    } else if (arg == "--rate") {
      const auto r = parse_positive(value);
      if (!r) {
        std::cerr << "whm-sim-tree: --rate needs a positive number\n";
        return std::nullopt;
      }
      o.rate = *r;
    } else if ((n = parse_uint(value)) && arg == "--sessions") {
      o.spec.sessions = *n;
    } else if (n && arg == "--accounts") {
      o.spec.accounts = *n;
    } else if (n && arg == "--seed") {
      o.spec.seed = *n;
    } else if (n && arg == "--start-time") {
      o.spec.start_time = static_cast<std::int64_t>(*n);
    } else {
      std::cerr << "whm-sim-tree: bad option or value: " << arg << " " << value << "\n" << kUsage;
      return std::nullopt;
    }
  }
  if (o.spec.dir.empty()) {
    std::cerr << "whm-sim-tree: --dir is required\n" << kUsage;
    return std::nullopt;
  }
  return o;
}

void run(wte::session_tree::SessionTree& tree, double rate) {
  using clock = std::chrono::steady_clock;
  constexpr auto kTick = std::chrono::milliseconds(100);
  const auto start = clock::now();
  std::vector<std::size_t> written(tree.size(), 0);
  while (!tree.all_done()) {
    std::this_thread::sleep_for(kTick);
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    for (std::size_t i = 0; i < tree.size(); ++i) {
      const auto due = static_cast<std::size_t>(elapsed * rate);
      if (due > written[i]) written[i] += tree.advance(i, due - written[i]);
      if (tree.done(i)) written[i] = due;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse(argc, argv);
  if (!options) return 2;
  try {
    wte::session_tree::SessionTree tree(options->spec);
    for (std::size_t i = 0; i < tree.size(); ++i) std::cout << tree.id(i) << "\n";
    std::cout.flush();
    if (options->once) {
      tree.finish_all();
    } else {
      run(tree, options->rate);
    }
  } catch (const std::exception& e) {
    std::cerr << "whm-sim-tree: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
