#include "local/local_source_spec.hpp"

#include <doctest/doctest.h>

#include "config/loader.hpp"

using namespace std::chrono_literals;

TEST_CASE("local settings: off unless enabled; the label defaults to the machine's name") {
  auto loaded = wte::config::load_config_string("poll_interval: 30s\n", "t.yml");
  REQUIRE(loaded.ok());
  CHECK_FALSE(wte::local::local_settings(loaded.value(), "box"));

  loaded = wte::config::load_config_string(R"(
finished_retention: 1h
limits: {max_line_bytes: 2048, max_sessions_per_host: 9}
local: {enabled: true, path: /srv/ts, poll_interval: 2s, inotify: false}
)",
                                           "t.yml");
  REQUIRE(loaded.ok());
  const auto s = wte::local::local_settings(loaded.value(), "box");
  REQUIRE(s);
  CHECK(s->path == "/srv/ts");
  CHECK(s->poll_interval == 2s);
  CHECK(s->host_label == "box");
  CHECK_FALSE(s->inotify);
  CHECK(s->finished_retention == 1h);
  CHECK(s->engine_limits.max_line_bytes == 2048);
  CHECK(s->max_sessions == 9);
  CHECK(wte::local::LocalSourceSpec(*s).name() == "box");
}

TEST_CASE("the machine's host name is never empty") {
  CHECK_FALSE(wte::local::machine_host_name().empty());
}
