// The shipped example must always load: it is the documentation users copy.
#include <doctest/doctest.h>

#include "config/loader.hpp"

TEST_CASE("config/whm_transfer_exporter.example.yml loads without errors") {
  const auto result = wte::config::load_config_file(std::string(WTE_SOURCE_DIR) +
                                                    "/config/whm_transfer_exporter.example.yml");
  if (!result.ok()) {
    for (const auto& e : result.error()) INFO(e.to_string());
  }
  REQUIRE(result.ok());
  const auto& c = result.value();
  REQUIRE(c.hosts.size() == 2);
  CHECK(c.hosts[0].name == "whm-dest-1");
  CHECK(c.hosts[0].sessions.size() == 2);
  CHECK(c.hosts[1].port == "2087");
  CHECK(c.api_token.has_value());
  CHECK_FALSE(c.local.enabled);
  CHECK(c.stall_threshold == std::chrono::minutes(30));
}

TEST_CASE("the example's commented-out local section loads too") {
  // Uncomment "# local:" and its "#   key:" lines, as a user would.
  std::string text;
  {
    const auto result = wte::config::load_config_file(std::string(WTE_SOURCE_DIR) +
                                                      "/config/whm_transfer_exporter.example.yml");
    REQUIRE(result.ok());
  }
  FILE* f = std::fopen(WTE_SOURCE_DIR "/config/whm_transfer_exporter.example.yml", "r");
  REQUIRE(f != nullptr);
  char line[512];
  bool in_local = false;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    std::string l = line;
    if (l.starts_with("# local:")) in_local = true;
    if (in_local && l.starts_with("# "))
      l = l.substr(2);
    else if (in_local && !l.starts_with("# "))
      in_local = false;
    text += l;
  }
  std::fclose(f);
  const auto result = wte::config::load_config_string(text, "example-with-local.yml");
  if (!result.ok()) {
    for (const auto& e : result.error()) INFO(e.to_string());
  }
  REQUIRE(result.ok());
  CHECK(result.value().local.host_label == std::optional<std::string>("whm-local"));
}
