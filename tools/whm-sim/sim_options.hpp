#pragma once
// whm-sim's command line, and the simulated world it describes. Pure: the caller reads the
// token file and the clock and passes them in.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "world.hpp"

namespace wte::whmsim {

struct FaultOption {
  std::string host;  // name or index
  std::string session;
  std::string name;
  std::string value;
};

struct LogAccessOption {
  std::string host;  // name or index; empty: every host
  LogAccess access = LogAccess::modern;
};

struct SimOptions {
  std::size_t hosts = 1;
  std::vector<unsigned short> ports;  // --port, per host in order; missing = 0 (ephemeral)
  std::string cert_file, key_file, wrong_cert_file, wrong_key_file;
  std::string write_ca;
  std::string token_file;
  std::string user = "root";
  std::size_t sessions_per_host = 1;
  std::vector<std::string> log_files;  // played in turn; none: generated logs
  std::size_t accounts = 10;
  std::uint64_t seed = 1;
  double rate = 20;  // lines per second, per session
  std::string end_state = "COMPLETED";
  std::string style = "new";  // new | old | mixed (odd hosts old)
  bool documented_states = false;
  std::vector<FaultOption> faults;
  std::vector<LogAccessOption> log_access;  // applied in order, after the demo's
  std::string ports_file;
  unsigned short control_port = 0;
  std::optional<std::int64_t> epoch;  // start time of the generated logs and ids
  double stagger_seconds = 0;         // session k of a host starts k * this later (PENDING before)
  bool demo = false;
};

// argv without the program name. An error message, or the options.
std::variant<SimOptions, std::string> parse_sim_options(std::span<const std::string_view> args);

// "host=IDX,name=value" or "host=IDX,session=ID,name[=value]".
std::variant<FaultOption, std::string> parse_fault_option(std::string_view text);

// "MODE" (every host) or "IDX=MODE", MODE one of modern, old, no_dotted.
std::variant<LogAccessOption, std::string> parse_log_access_option(std::string_view text);

// Hosts sim0..simN-1 with their log access, and their sessions, all starting at `now` (plus
// the stagger); logs from `log_texts` (the contents of --log files, in order) or generated.
// `epoch` is the wall-clock time the ids and generated logs use.
World build_world(const SimOptions& options, const std::vector<std::string>& log_texts,
                  const std::string& token, Clock::time_point now, std::int64_t epoch);

// The --fault options; the first error.
std::optional<std::string> apply_fault_options(World& world,
                                               const std::vector<FaultOption>& faults);

extern const std::string_view kSimUsage;

}  // namespace wte::whmsim
