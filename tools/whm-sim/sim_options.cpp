#include "sim_options.hpp"

#include <charconv>

#include "loggen/account_plan.hpp"
#include "loggen/log_generator.hpp"
#include "loggen/session_id.hpp"

namespace wte::whmsim {

const std::string_view kSimUsage =
    "usage: whm-sim --token-file FILE [--hosts N] [--port P ...] [--control PORT]\n"
    "               [--cert FILE --key FILE [--wrong-cert FILE --wrong-key FILE]]\n"
    "               [--write-ca FILE] [--ports-file FILE] [--user NAME]\n"
    "               [--sessions-per-host K] [--log FILE ...] [--accounts N] [--seed S]\n"
    "               [--rate LINES_PER_SEC] [--end-state S] [--style new|old|mixed]\n"
    "               [--documented-states] [--stagger SECONDS] [--epoch SECONDS]\n"
    "               [--log-access [IDX=]modern|old|no_dotted ...]\n"
    "               [--fault host=IDX,name=value ...] [--demo]\n"
    "log access (how fetch_transfer_session_log treats an active session's log):\n"
    "  modern     master.log waits for the session's end; .master.log answers at once\n"
    "             (the default: cPanel as its code reads)\n"
    "  old        master.log answers at once with the log so far; .master.log is not found\n"
    "  no_dotted  .master.log is refused; master.log waits for the session's end\n";

namespace {

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_positive(std::string_view s) {
  try {
    std::size_t used = 0;
    const double v = std::stod(std::string(s), &used);
    if (used != s.size() || !(v > 0)) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void apply_demo(SimOptions& o) {
  o.hosts = 3;
  o.sessions_per_host = 2;
  o.accounts = 8;
  o.rate = 20.0 / 6;  // about 20 lines a second over the six sessions
  o.style = "mixed";  // sim1 answers like an old 11.44 server
  o.stagger_seconds = 15;
}

// The demo shows all three ways of reading an active log: sim0 modern, sim1 (the 11.44 one)
// old, sim2 refuses the dotted name (its logs arrive when its sessions end).
LogAccess demo_log_access(std::size_t host) {
  return host == 1 ? LogAccess::old : host == 2 ? LogAccess::no_dotted : LogAccess::modern;
}

// Applies one flag and its value; an error message or nothing.
std::optional<std::string> apply(SimOptions& o, std::string_view flag, std::string_view v) {
  const auto bad = [&] { return "bad value for " + std::string(flag) + ": " + std::string(v); };
  auto count = [&](auto& into) -> bool {
    auto n = parse_number<std::remove_reference_t<decltype(into)>>(v);
    if (n) into = *n;
    return n.has_value();
  };
  if (flag == "--hosts") return count(o.hosts) && o.hosts > 0 ? std::nullopt : std::optional(bad());
  if (flag == "--sessions-per-host")
    return count(o.sessions_per_host) ? std::nullopt : std::optional(bad());
  if (flag == "--accounts") return count(o.accounts) ? std::nullopt : std::optional(bad());
  if (flag == "--seed") return count(o.seed) ? std::nullopt : std::optional(bad());
  if (flag == "--control") return count(o.control_port) ? std::nullopt : std::optional(bad());
  if (flag == "--port") {
    const auto p = parse_number<unsigned short>(v);
    if (!p) return bad();
    o.ports.push_back(*p);
  } else if (flag == "--epoch") {
    const auto e = parse_number<std::int64_t>(v);
    if (!e) return bad();
    o.epoch = *e;
  } else if (flag == "--rate" || flag == "--stagger") {
    const auto r = parse_positive(v);
    if (!r && !(flag == "--stagger" && v == "0")) return bad();
    (flag == "--rate" ? o.rate : o.stagger_seconds) = r.value_or(0);
  } else if (flag == "--end-state") {
    if (v != "COMPLETED" && v != "ABORTED" && v != "FAILED" && v != "RUNNING") return bad();
    o.end_state = std::string(v);
  } else if (flag == "--style") {
    if (v != "new" && v != "old" && v != "mixed") return bad();
    o.style = std::string(v);
  } else if (flag == "--fault") {
    auto f = parse_fault_option(v);
    if (auto* err = std::get_if<std::string>(&f)) return *err;
    o.faults.push_back(std::get<FaultOption>(std::move(f)));
  } else if (flag == "--log-access") {
    auto a = parse_log_access_option(v);
    if (auto* err = std::get_if<std::string>(&a)) return *err;
    o.log_access.push_back(std::get<LogAccessOption>(std::move(a)));
  } else if (flag == "--log") {
    o.log_files.emplace_back(v);
  } else {
    std::string* text = flag == "--cert"         ? &o.cert_file
                        : flag == "--key"        ? &o.key_file
                        : flag == "--wrong-cert" ? &o.wrong_cert_file
                        : flag == "--wrong-key"  ? &o.wrong_key_file
                        : flag == "--write-ca"   ? &o.write_ca
                        : flag == "--token-file" ? &o.token_file
                        : flag == "--ports-file" ? &o.ports_file
                        : flag == "--user"       ? &o.user
                                                 : nullptr;
    if (!text) return "unknown option " + std::string(flag);
    *text = std::string(v);
  }
  return std::nullopt;
}

// "simK" or "K", K < hosts.
std::optional<std::size_t> host_index(std::string_view host, std::size_t hosts) {
  if (host.starts_with("sim")) host.remove_prefix(3);
  const auto k = parse_number<std::size_t>(host);
  return k && *k < hosts ? k : std::nullopt;
}

std::optional<std::string> check(const SimOptions& o) {
  if (o.token_file.empty()) return "--token-file is required (the token is never a flag)";
  if (o.cert_file.empty() != o.key_file.empty()) return "--cert and --key go together";
  if (o.wrong_cert_file.empty() != o.wrong_key_file.empty()) {
    return "--wrong-cert and --wrong-key go together";
  }
  if (o.ports.size() > o.hosts) return "more --port than --hosts";
  for (const auto& a : o.log_access) {
    if (!a.host.empty() && !host_index(a.host, o.hosts)) {
      return "--log-access: no host " + a.host + " (hosts are sim0..sim" +
             std::to_string(o.hosts - 1) + ", or their index)";
    }
  }
  return std::nullopt;
}

// The demo's story: on sim0 one account fails, on sim2 one has dangerous items. Seeds are
// searched so exactly one account of that session does.
loggen::LogSpec demo_spec(loggen::LogSpec spec, std::size_t global_index) {
  spec.failure_rate = 0;
  spec.dangerous_rate = 0;
  spec.child_failed_rate = 0;
  spec.warning_rate = 0.25;
  const bool failing = global_index == 0, dangerous = global_index == 4;
  if (!failing && !dangerous) return spec;
  (failing ? spec.failure_rate : spec.dangerous_rate) = 0.15;
  for (std::uint64_t seed = spec.seed;; ++seed) {
    spec.seed = seed;
    std::size_t hits = 0;
    for (std::size_t i = 0; i < spec.accounts; ++i) {
      const auto a = loggen::plan_account(spec, i);
      hits += failing ? (a.transfer.fails || a.restore.fails) : (a.restore.dangerous_items > 0);
    }
    if (hits == 1) return spec;
  }
}

}  // namespace

std::variant<FaultOption, std::string> parse_fault_option(std::string_view text) {
  FaultOption f;
  bool have_host = false;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    const std::size_t eq = part.find('=');
    const std::string_view key = part.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    if (key == "host") {
      f.host = std::string(value);
      have_host = true;
    } else if (key == "session") {
      f.session = std::string(value);
    } else if (f.name.empty()) {
      f.name = std::string(key);
      f.value = std::string(value);
    } else {
      return "--fault takes one fault: " + std::string(part);
    }
  }
  if (!have_host || f.name.empty()) return std::string("--fault needs host=IDX and a fault");
  Faults probe;
  if (auto err = set_fault(probe, f.name, f.value)) return *err;
  return f;
}

std::variant<LogAccessOption, std::string> parse_log_access_option(std::string_view text) {
  const std::size_t eq = text.find('=');
  LogAccessOption a;
  if (eq != std::string_view::npos) a.host = std::string(text.substr(0, eq));
  const std::string_view mode = eq == std::string_view::npos ? text : text.substr(eq + 1);
  const auto access = parse_log_access(mode);
  if (!access || (eq != std::string_view::npos && a.host.empty())) {
    return "--log-access takes [IDX=]modern|old|no_dotted, not " + std::string(text);
  }
  a.access = *access;
  return a;
}

std::variant<SimOptions, std::string> parse_sim_options(std::span<const std::string_view> args) {
  SimOptions o;
  for (const auto a : args) {
    if (a == "--demo") apply_demo(o);  // first, so explicit flags win whatever their order
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--demo") {
      o.demo = true;
      continue;
    }
    if (flag == "--documented-states") {
      o.documented_states = true;
      continue;
    }
    if (i + 1 >= args.size()) return std::string(flag) + " needs a value";
    if (auto err = apply(o, flag, args[++i])) return *err;
  }
  if (auto err = check(o)) return *err;
  return o;
}

World build_world(const SimOptions& o, const std::vector<std::string>& log_texts,
                  const std::string& token, Clock::time_point now, std::int64_t epoch) {
  World world;
  for (std::size_t h = 0; h < o.hosts; ++h) {
    HostSpec host;
    host.name = "sim" + std::to_string(h);
    host.user = o.user;
    host.token = token;
    const bool old = o.style == "old" || (o.style == "mixed" && h % 2 == 1);
    host.style = old ? ResponseStyle::legacy : ResponseStyle::modern;
    host.documented_states = o.documented_states;
    if (o.demo) host.log_access = demo_log_access(h);
    for (const auto& a : o.log_access) {
      if (a.host.empty() || host_index(a.host, o.hosts) == h) host.log_access = a.access;
    }
    const std::size_t index = world.add_host(std::move(host));
    for (std::size_t k = 0; k < o.sessions_per_host; ++k) {
      const std::size_t g = h * o.sessions_per_host + k;
      loggen::LogSpec spec;
      spec.accounts = o.accounts;
      spec.seed = o.seed + g;
      spec.end_state = o.end_state;
      spec.style = old ? loggen::LogSpec::Style::legacy : loggen::LogSpec::Style::modern;
      spec.remote_host = "oldserver" + std::to_string(h + 1) + ".example.com";
      spec.start_time =
          epoch + static_cast<std::int64_t>(static_cast<double>(k) * o.stagger_seconds);
      if (o.demo) spec = demo_spec(spec, g);
      SessionSpec s;
      s.id = loggen::make_session_id(spec.remote_host, spec.initiator, spec.start_time, o.seed + g);
      s.log = log_texts.empty() ? loggen::generate_text(spec) : log_texts[g % log_texts.size()];
      s.lines_per_second = o.rate;
      s.start = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                          static_cast<double>(k) * o.stagger_seconds));
      world.add_session(index, std::move(s));
    }
  }
  return world;
}

std::optional<std::string> apply_fault_options(World& world,
                                               const std::vector<FaultOption>& faults) {
  for (const auto& f : faults) {
    if (auto err = world.set_fault(f.host, f.session, f.name, f.value)) return *err;
  }
  return std::nullopt;
}

}  // namespace wte::whmsim
