#include "session_tree/session_tree.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <map>

#include "local/session_database.hpp"
#include "local_test_support.hpp"
#include "loggen/session_id.hpp"

using wte::local::SessionDatabase;
using wte::local::testing::summary_of_file;
using wte::test::TempDir;

namespace {

std::map<std::string, std::string> states(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  const auto r = SessionDatabase(dir).read();
  REQUIRE(r.ok());
  for (const auto& row : r.value().rows) out[row.id] = row.state.value_or("NULL");
  return out;
}

}  // namespace

TEST_CASE("ids look like cPanel's: 36 characters of [0-9A-Za-z_]") {
  const auto id = wte::loggen::make_session_id("vm5.docs.cpanel.net", "copyacct", 1393259652, 1);
  CHECK(id.size() == 36);
  CHECK(id.starts_with("vm5docscpanelcopya20140224163412"));
  CHECK(wte::local::is_session_id(id));
  CHECK(id == wte::loggen::make_session_id("vm5.docs.cpanel.net", "copyacct", 1393259652, 1));
  CHECK(id != wte::loggen::make_session_id("vm5.docs.cpanel.net", "copyacct", 1393259652, 2));
}

TEST_CASE("a tree moves PENDING -> RUNNING -> the end state and renames the log") {
  TempDir dir;
  wte::session_tree::TreeSpec spec;
  spec.dir = dir.path() / "ts";
  spec.sessions = 2;
  spec.accounts = 3;
  spec.end_state = "FAILED";
  wte::session_tree::SessionTree tree(spec);
  REQUIRE(tree.size() == 2);
  CHECK(tree.id(0) != tree.id(1));
  for (const auto& [id, state] : states(spec.dir)) CHECK(state == "PENDING");
  CHECK(std::filesystem::is_directory(tree.session_dir(0)));
  CHECK_FALSE(std::filesystem::exists(tree.log_path(0)));

  CHECK(tree.advance(0, 5) == 5);
  auto now = states(spec.dir);
  CHECK(now[tree.id(0)] == "RUNNING");
  CHECK(now[tree.id(1)] == "PENDING");
  CHECK(tree.log_path(0).filename() == ".master.log");
  CHECK(tree.expected(0).lines == 5);

  tree.finish_all();
  CHECK(tree.all_done());
  now = states(spec.dir);
  for (std::size_t i = 0; i < tree.size(); ++i) {
    CHECK(now[tree.id(i)] == "FAILED");
    CHECK(tree.log_path(i).filename() == "master.log");
    CHECK(std::filesystem::exists(tree.log_path(i)));
    CHECK_FALSE(std::filesystem::exists(tree.session_dir(i) / ".master.log"));
    CHECK(std::filesystem::file_size(tree.log_path(i)) == tree.expected(i).bytes);
    CHECK(tree.expected(i).state == "FAILED");
  }
  CHECK(tree.advance(0, 5) == 0);
  const auto rows = SessionDatabase(spec.dir).read().value().rows;
  for (const auto& row : rows) CHECK(row.end_time.has_value());
}

TEST_CASE("whm-sim-tree --once writes a whole tree and exits 0") {
  TempDir dir;
  const std::string exe = std::string(WTE_BINARY_DIR) + "/whm-sim-tree";
  const std::string out = (dir.path() / "ids.txt").string();
  const std::string cmd = exe + " --dir " + (dir.path() / "tree").string() +
                          " --sessions 3 --accounts 2 --rate 100 --end-state ABORTED --seed 4 "
                          "--once > " +
                          out;
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto st = states(dir.path() / "tree");
  CHECK(st.size() == 3);
  for (const auto& [id, state] : st) {
    CHECK(state == "ABORTED");
    CHECK(wte::local::testing::read_file(out).find(id) != std::string::npos);
    const auto log = dir.path() / "tree" / id / "master.log";
    REQUIRE(std::filesystem::exists(log));
    CHECK(summary_of_file(log).find("\"state\":\"ABORTED\"") != std::string::npos);
  }
  CHECK(std::system((exe + " --sessions 2 2>/dev/null").c_str()) != 0);  // --dir is required
}

TEST_CASE("whm-sim-tree grows logs at the given rate until every session ended") {
  TempDir dir;
  const std::string exe = std::string(WTE_BINARY_DIR) + "/whm-sim-tree";
  const auto started = std::chrono::steady_clock::now();
  const std::string cmd = exe + " --dir " + (dir.path() / "tree").string() +
                          " --sessions 2 --accounts 1 --rate 400 --end-state COMPLETED > /dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= std::chrono::milliseconds(50));  // not written at once
  CHECK(took < std::chrono::seconds(20));
  for (const auto& [id, state] : states(dir.path() / "tree")) CHECK(state == "COMPLETED");
}
