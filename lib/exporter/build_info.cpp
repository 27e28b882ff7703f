#include "exporter/build_info.hpp"

#include <openssl/crypto.h>
#include <rapidjson/rapidjson.h>
#include <sqlite3.h>
#include <zlib.h>

#include <boost/version.hpp>

#include "wte_build_values.hpp"  // generated at build time by cmake/BuildInfo.cmake

namespace wte::exporter {

namespace {

std::string compiler() {
#if defined(__clang__)
  return "Clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown";
#endif
}

std::string platform() {
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#else
  return "linux/unknown";
#endif
}

std::string boost_version() {
  return std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
         "." + std::to_string(BOOST_VERSION % 100);
}

// "Label:" padded so the values line up, as Prometheus prints them.
void append_line(std::string& out, const std::string& label, const std::string& value) {
  std::string head = "  " + label + ":";
  if (head.size() < 20) head.resize(20, ' ');
  out += head + value + "\n";
}

}  // namespace

BuildInfo build_info() {
  BuildInfo info;
  info.version = WTE_BUILD_VERSION;
  info.revision = WTE_BUILD_REVISION;
  info.branch = WTE_BUILD_BRANCH;
  info.build_user = WTE_BUILD_USER;
  info.build_date = WTE_BUILD_DATE;
  info.compiler = compiler();
  info.platform = platform();
  info.libraries = {
      {"Boost", boost_version()},
      {"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"prometheus-cpp", WTE_PROMETHEUS_CPP_VERSION},
      {"yaml-cpp", WTE_YAML_CPP_VERSION},
      {"SQLite", sqlite3_libversion()},
      {"RapidJSON", RAPIDJSON_VERSION_STRING},
      {"zlib", zlibVersion()},
  };
  return info;
}

std::string version_text(const BuildInfo& info, const std::string& program) {
  std::string out = program + ", version " + info.version + " (branch: " + info.branch +
                    ", revision: " + info.revision + ")\n";
  append_line(out, "build user", info.build_user);
  append_line(out, "build date", info.build_date);
  append_line(out, "compiler", info.compiler);
  append_line(out, "platform", info.platform);
  for (const auto& [name, version] : info.libraries) append_line(out, name, version);
  return out;
}

}  // namespace wte::exporter
