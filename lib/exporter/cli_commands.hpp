#pragma once
// The subcommands other than `serve` and `progress`: each returns the exit status
// (0 ok, 1 the checked thing is bad/failed, 2 usage or I/O error).
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wte::exporter {

// Each command's `--help` text.
extern const char* const kCheckConfigUsage;
extern const char* const kSessionsUsage;
extern const char* const kHealthcheckUsage;

// check-config FILE: validates without starting; every error with file:line:col and key.
int run_check_config(std::span<const std::string> args, std::ostream& out, std::ostream& err);

// sessions add HOST ID | remove HOST ID | list  [--url URL] [--token-file FILE]
//   [--ca-file FILE] [--insecure] [--basic-auth-file FILE]
// The API token comes from --token-file or $WHM_TRANSFER_EXPORTER_API_TOKEN, never from
// the command line.
int run_sessions(std::span<const std::string> args, std::ostream& out, std::ostream& err);

// One row of `sessions list`: the fields as printable text ("unknown" when absent or not a string).
struct ListedSession {
  std::string host;
  std::string session_id;
  std::string state;
};
// The sessions of a GET /api/v1/sessions answer; nullopt if it is not that document (any
// JSON, however deep or odd, ends here as a value).
std::optional<std::vector<ListedSession>> parse_sessions_list(std::string_view body);

// healthcheck [--url URL] [--ca-file FILE] [--insecure] [--basic-auth-file FILE]: exits 0
// if GET URL (default http://127.0.0.1:9923/-/healthy) answers 200. For container
// HEALTHCHECKs, which have no curl. Over https the certificate is verified unless
// --insecure; basic-auth credentials come from a file, never from the command line.
int run_healthcheck(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace wte::exporter
