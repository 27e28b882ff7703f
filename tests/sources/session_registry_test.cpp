#include "sources/session_registry.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

using wte::sources::Registration;
using wte::sources::RegistryChange;
using wte::sources::SessionRegistry;

using wte::test::TempDir;

// The injected clock's time, for the name of a file set aside.
const std::chrono::system_clock::time_point kLoadTime{std::chrono::seconds(1764547200)};

TEST_CASE("registrations persist atomically and load back") {
  TempDir dir;
  const auto file = (dir.path() / "sessions.json").string();
  SessionRegistry a(file);
  CHECK(a.load(kLoadTime).ok());  // missing file: empty
  CHECK(a.add({"whm1", "abc_123"}).ok());
  CHECK(a.add({"whm1", "def"}).ok());
  CHECK(a.add({"whm2", "abc_123"}).ok());
  CHECK(a.remove({"whm1", "def"}).ok());
  CHECK_FALSE(std::filesystem::exists(file + ".tmp"));
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  SessionRegistry b(file);
  CHECK(b.load(kLoadTime).ok());
  CHECK(b.all() == std::set<Registration>{{"whm1", "abc_123"}, {"whm2", "abc_123"}});
  CHECK(b.sessions_of("whm1") == std::vector<std::string>{"abc_123"});
}

TEST_CASE("invalid ids never get in, from the API or from the file") {
  TempDir dir;
  SessionRegistry r((dir.path() / "s.json").string());
  CHECK_FALSE(r.add({"whm1", "../etc/passwd"}).ok());
  CHECK_FALSE(r.add({"whm1", ""}).ok());
  CHECK(r.all().empty());
  CHECK_FALSE(wte::sources::registrations_from_json(
                  R"({"version":1,"sessions":[{"host":"h","session_id":"a/b"}]})")
                  .ok());
}

TEST_CASE("a torn file is set aside at start, never overwritten by the next registration") {
  TempDir dir;
  const auto file = (dir.path() / "s.json").string();
  const std::string torn = R"({"version":1,"sessions":[{"host":"whm1","session_id":"a"},{"ho)";
  std::ofstream(file) << torn;
  SessionRegistry r(file);
  const auto now = std::chrono::sys_days{std::chrono::year{2024} / 1 / 2} + std::chrono::hours(3) +
                   std::chrono::minutes(4) + std::chrono::seconds(5);
  const std::string err = r.load(now).error().message;
  const std::string aside = file + ".corrupt-20240102T030405Z";
  CHECK(err.find(file) != std::string::npos);
  CHECK(err.find(aside) != std::string::npos);
  CHECK(r.all().empty());
  CHECK_FALSE(std::filesystem::exists(file));
  REQUIRE(std::filesystem::exists(aside));

  CHECK(r.add({"whm1", "b"}).ok());  // a fresh file; the torn one stays as it was
  std::ifstream in(aside);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == torn);
  SessionRegistry again(file);
  CHECK(again.load(now).ok());
  CHECK(again.all() == std::set<Registration>{{"whm1", "b"}});

  std::ofstream(file) << "";  // an empty file is torn too; a second one gets its own name
  SessionRegistry third(file);
  CHECK(third.load(now).error().message.find(aside + "-2") != std::string::npos);
  CHECK(std::filesystem::exists(aside + "-2"));
}

TEST_CASE("a deeply nested file is an error, not a crash") {
  TempDir dir;
  const auto file = (dir.path() / "s.json").string();
  std::ofstream(file) << "{\"sessions\":" << std::string(150000, '[') << std::string(150000, ']')
                      << "}";
  SessionRegistry r(file);
  CHECK_FALSE(r.load(kLoadTime).ok());
  CHECK(r.all().empty());
  CHECK_FALSE(wte::sources::registrations_from_json(std::string(200000, '[')).ok());
}

TEST_CASE("registrations are limited in total and per host, configured sessions included") {
  TempDir dir;
  SessionRegistry r((dir.path() / "s.json").string(),
                    {.max_sessions = 5, .max_sessions_per_host = 3});
  CHECK(r.add({"a", "s1"}).ok());
  CHECK(r.add({"a", "s2"}).ok());
  CHECK(r.add({"a", "s3"}).ok());
  CHECK(r.add({"a", "s4"}).error().message.find("too many sessions for host a") !=
        std::string::npos);
  CHECK(r.add({"a", "s1"}).ok());  // already there: no limit to pass
  CHECK(r.may_add({"b", "s1"}, 2).ok());
  CHECK(r.may_add({"b", "s1"}, 3).error().message.find("limits.max_sessions_per_host") !=
        std::string::npos);
  CHECK(r.add({"b", "s1"}).ok());
  CHECK(r.add({"c", "s1"}).ok());
  CHECK(r.add({"d", "s1"}).error().message.find("too many registered sessions (limit 5)") !=
        std::string::npos);
  CHECK(r.all().size() == 5);
  CHECK_FALSE(r.may_add({"d", "../x"}, 0).ok());
}

namespace {

struct Outcomes {
  std::vector<RegistryChange> seen;
  SessionRegistry::Done collect() {
    return [this](RegistryChange c) { seen.push_back(std::move(c)); };
  }
};

void run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

TEST_CASE("a storm of registrations is written off the loop, coalesced into a few writes") {
  TempDir dir;
  boost::asio::io_context io;
  const auto file = (dir.path() / "s.json").string();
  SessionRegistry r(io, file, {.max_sessions = 150, .max_sessions_per_host = 1000});
  REQUIRE(r.load(kLoadTime).ok());
  Outcomes out;
  for (int i = 0; i < 200; ++i) {
    r.add_async({"h" + std::to_string(i % 7), "s" + std::to_string(i)}, 0, out.collect());
  }
  r.add_async({"h0", "s0"}, 0, out.collect());  // queued already: unchanged
  CHECK(out.seen.empty());                      // never inline
  CHECK(r.all().empty());                       // not durable yet
  run_until(io, [&] { return out.seen.size() == 201; });
  REQUIRE(out.seen.size() == 201);
  const auto count = [&](RegistryChange::Status s) {
    return std::count_if(out.seen.begin(), out.seen.end(),
                         [&](const RegistryChange& c) { return c.status == s; });
  };
  CHECK(count(RegistryChange::Status::done) == 150);
  CHECK(count(RegistryChange::Status::refused) == 50);
  CHECK(count(RegistryChange::Status::unchanged) == 1);
  CHECK(r.writes() <= 3);
  CHECK(r.all().size() == 150);
  SessionRegistry reread(file);
  CHECK(reread.load(kLoadTime).ok());
  CHECK(reread.all() == r.all());

  out.seen.clear();
  r.remove_async({"h1", "s1"}, out.collect());
  r.remove_async({"nope", "s1"}, out.collect());
  run_until(io, [&] { return out.seen.size() == 2; });
  REQUIRE(out.seen.size() == 2);
  CHECK(out.seen[0].status == RegistryChange::Status::unchanged);  // the no-op answers first
  CHECK(out.seen[1].status == RegistryChange::Status::done);
  CHECK_FALSE(r.all().contains({"h1", "s1"}));
}

TEST_CASE("an asynchronous write that fails changes nothing and says so") {
  boost::asio::io_context io;
  SessionRegistry r(io, "/nonexistent-dir/sessions.json");
  Outcomes out;
  r.add_async({"h", "id"}, 0, out.collect());
  run_until(io, [&] { return out.seen.size() == 1; });
  REQUIRE(out.seen.size() == 1);
  CHECK(out.seen[0].status == RegistryChange::Status::failed);
  CHECK(out.seen[0].message.find("/nonexistent-dir/sessions.json") != std::string::npos);
  CHECK(r.all().empty());
}

TEST_CASE("destroying the registry with a write in flight is safe") {
  TempDir dir;
  boost::asio::io_context io;
  Outcomes out;
  {
    SessionRegistry r(io, (dir.path() / "s.json").string());
    for (int i = 0; i < 20; ++i) r.add_async({"h", "s" + std::to_string(i)}, 0, out.collect());
  }
  io.run_for(std::chrono::milliseconds(300));  // whatever was posted finds the registry gone
  CHECK(out.seen.empty());
}

TEST_CASE("a refused session is counted once, however often the same list is applied") {
  wte::sources::RefusedSessions refused;
  CHECK(refused.note("h", {"a", "b"}) == 2);
  CHECK(refused.note("h", {"a", "b"}) == 0);
  CHECK(refused.note("h", {"b", "a", "c"}) == 1);
  CHECK(refused.note("other", {"a"}) == 1);
  CHECK(refused.note("h", {}) == 0);
  CHECK(refused.note("h", {"a"}) == 1);  // accepted in between, refused again: counts again
  refused.forget("other");
  CHECK(refused.note("other", {"a"}) == 1);
}

TEST_CASE("a write that cannot happen changes nothing") {
  SessionRegistry r("/nonexistent-dir/sessions.json");
  CHECK_FALSE(r.add({"h", "id"}).ok());
  CHECK(r.all().empty());
}
