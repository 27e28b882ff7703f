#include "exporter/build_info.hpp"

#include <doctest/doctest.h>

using wte::exporter::BuildInfo;

TEST_CASE("--version reads like a Prometheus binary's") {
  BuildInfo info;
  info.version = "0.1.0";
  info.revision = "408ede594a34bbd1cb38723597fa8068e1c32e77";
  info.branch = "main";
  info.build_user = "builder@host";
  info.build_date = "20261130-18:45:05";
  info.compiler = "GCC 12.2.0";
  info.platform = "linux/amd64";
  info.libraries = {{"Boost", "1.81.0"}, {"prometheus-cpp", "1.0.1"}};
  CHECK(wte::exporter::version_text(info, "whm_transfer_exporter") ==
        "whm_transfer_exporter, version 0.1.0 (branch: main, revision: "
        "408ede594a34bbd1cb38723597fa8068e1c32e77)\n"
        "  build user:       builder@host\n"
        "  build date:       20261130-18:45:05\n"
        "  compiler:         GCC 12.2.0\n"
        "  platform:         linux/amd64\n"
        "  Boost:            1.81.0\n"
        "  prometheus-cpp:   1.0.1\n");
}

TEST_CASE("this binary's facts are all filled in") {
  const BuildInfo info = wte::exporter::build_info();
  CHECK_FALSE(info.version.empty());
  CHECK_FALSE(info.revision.empty());  // "unknown" at worst
  CHECK_FALSE(info.branch.empty());
  CHECK(info.build_date.size() == 17);  // 20261130-18:45:05
  REQUIRE(info.libraries.size() == 7);
  for (const auto& library : info.libraries) {
    CAPTURE(library.first);
    CHECK_FALSE(library.second.empty());
    CHECK(library.second != "unknown");
  }
}
