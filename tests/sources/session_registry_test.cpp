#include "sources/session_registry.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.hpp"

using wte::sources::Registration;
using wte::sources::SessionRegistry;

using wte::test::TempDir;

TEST_CASE("registrations persist atomically and load back") {
  TempDir dir;
  const auto file = (dir.path() / "sessions.json").string();
  SessionRegistry a(file);
  CHECK(a.load().empty());  // missing file: empty
  CHECK(a.add({"whm1", "abc_123"}).empty());
  CHECK(a.add({"whm1", "def"}).empty());
  CHECK(a.add({"whm2", "abc_123"}).empty());
  CHECK(a.remove({"whm1", "def"}).empty());
  CHECK_FALSE(std::filesystem::exists(file + ".tmp"));
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  SessionRegistry b(file);
  CHECK(b.load().empty());
  CHECK(b.all() == std::set<Registration>{{"whm1", "abc_123"}, {"whm2", "abc_123"}});
  CHECK(b.sessions_of("whm1") == std::vector<std::string>{"abc_123"});
}

TEST_CASE("invalid ids never get in, from the API or from the file") {
  TempDir dir;
  SessionRegistry r((dir.path() / "s.json").string());
  CHECK_FALSE(r.add({"whm1", "../etc/passwd"}).empty());
  CHECK_FALSE(r.add({"whm1", ""}).empty());
  CHECK(r.all().empty());
  CHECK_THROWS(wte::sources::registrations_from_json(
      R"({"version":1,"sessions":[{"host":"h","session_id":"a/b"}]})"));
}

TEST_CASE("a corrupt file is reported, not trusted, and left for a person") {
  TempDir dir;
  const auto file = (dir.path() / "s.json").string();
  std::ofstream(file) << "{not json";
  SessionRegistry r(file);
  const std::string err = r.load();
  CHECK(err.find(file) != std::string::npos);
  CHECK(r.all().empty());
  CHECK(std::filesystem::exists(file));
}

TEST_CASE("a write that cannot happen changes nothing") {
  SessionRegistry r("/nonexistent-dir/sessions.json");
  CHECK_FALSE(r.add({"h", "id"}).empty());
  CHECK(r.all().empty());
}
