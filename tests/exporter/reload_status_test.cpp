#include "exporter/reload_status.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

using wte::exporter::parse_reload_status;
using wte::exporter::ReloadStatus;

TEST_CASE("a reload status reads back as written, message lines and all") {
  const ReloadStatus ok{4242, 1, true, ""};
  CHECK(parse_reload_status(wte::exporter::format_reload_status(ok)) == ok);
  const ReloadStatus failed{4242, 7, false, "c.yml:3:5: poll_interval: bad\nc.yml:9:1: x: y"};
  CHECK(parse_reload_status(wte::exporter::format_reload_status(failed)) == failed);
}

TEST_CASE("anything else is not a reload status") {
  for (const char* text : {"", "4242 1 ok", "4242 1 maybe\n", "x 1 ok\n", "4242 x ok\n",
                           "4242  1 ok\n", "-1 1 ok\n"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_reload_status(text));
  }
}

TEST_CASE("written atomically into the state directory and read back") {
  wte::test::TempDir dir;
  CHECK_FALSE(wte::exporter::read_reload_status(dir.path()));
  const ReloadStatus s{99, 3, false, "why"};
  REQUIRE(wte::exporter::write_reload_status(dir.path(), s).ok());
  CHECK(wte::exporter::read_reload_status(dir.path()) == s);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "reload-status.tmp"));
  CHECK_FALSE(wte::exporter::write_reload_status(dir.path() / "missing", s).ok());
}
