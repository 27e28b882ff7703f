#pragma once
// What `--version` prints, in the shape of every Prometheus binary's:
//   whm_transfer_exporter, version 0.1.0 (branch: main, revision: 0123abcd...)
//     build user:       builder@host
//     build date:       20261130-18:45:05
//     compiler:         GCC 12.2.0
//     ...and the version of each library linked.
// The build facts are captured by cmake/BuildInfo.cmake (see lib/exporter/CMakeLists.txt).
#include <string>
#include <utility>
#include <vector>

namespace wte::exporter {

struct BuildInfo {
  std::string version;
  std::string revision;
  std::string branch;
  std::string build_user;
  std::string build_date;
  std::string compiler;                                        // "GCC 12.2.0", "Clang 14.0.6"
  std::string platform;                                        // "linux/amd64", as Go names it
  std::vector<std::pair<std::string, std::string>> libraries;  // name, version
};

// This binary's facts; library versions are the ones loaded at run time where the library
// can tell (OpenSSL, SQLite, zlib), else the ones built against.
BuildInfo build_info();

// The text of `--version` for `program`.
std::string version_text(const BuildInfo& info, const std::string& program);

}  // namespace wte::exporter
