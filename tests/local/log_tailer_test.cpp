#include "local/log_tailer.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "local_test_support.hpp"
#include "loggen/log_generator.hpp"
#include "support/test_files.hpp"

using wte::local::LogTailer;
using wte::local::testing::append_file;
using wte::local::testing::summary_of_text;
using wte::local::testing::write_file;
using wte::sources::TrackedSession;
using wte::test::TempDir;

namespace {

std::string generated_log(std::size_t accounts, std::uint64_t seed) {
  wte::loggen::LogSpec spec;
  spec.accounts = accounts;
  spec.seed = seed;
  return wte::loggen::generate_text(spec);
}

std::string summary(const TrackedSession& s) {
  return wte::log::summary_json(s.log().model(), {.overview = false});
}

}  // namespace

TEST_CASE("a session folder without a log yet is fine: nothing read, no error") {
  TempDir dir;
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  const auto r = t.poll(s, 1.0);
  CHECK_FALSE(r.log_exists);
  CHECK(r.read.ok());
  CHECK(r.report.bytes == 0);
  CHECK_FALSE(t.is_open());
}

TEST_CASE("only new bytes are read; a quiet poll reads nothing; lines split across polls") {
  TempDir dir;
  const std::string log = generated_log(6, 3);
  const auto file = dir.path() / ".master.log";
  TrackedSession s("h", "id");
  LogTailer t(dir.path(), 1000);  // small chunks: the reads of one poll are split too
  std::uint64_t total = 0;
  std::size_t written = 0;
  for (const std::size_t end : {std::size_t{0}, std::size_t{1}, std::size_t{777}, log.size() / 3,
                                log.size() / 2 + 13, log.size()}) {
    if (end == 0) {
      write_file(file, "");
    } else {
      append_file(file, std::string_view(log).substr(written, end - written));
    }
    written = end;
    const auto r = t.poll(s, 2.0);
    CHECK(r.log_exists);
    CHECK_FALSE(r.renamed);
    CHECK_FALSE(r.report.reset);
    CHECK(r.at_end);
    CHECK(r.read.ok());
    total += r.report.bytes;
    CHECK(s.offset() == end);
    CHECK(summary(s) == summary_of_text(log.substr(0, end)));
    const auto quiet = t.poll(s, 3.0);
    CHECK(quiet.report.bytes == 0);
    CHECK_FALSE(quiet.report.reset);
  }
  CHECK(total == log.size());
  CHECK(t.is_open());
  t.close();
  CHECK_FALSE(t.is_open());
}

TEST_CASE("the rename to master.log at the end loses and repeats nothing") {
  TempDir dir;
  const std::string log = wte::test::fixture_log("seed-2014-three-accounts.log");
  const std::size_t half = log.size() / 2;
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  write_file(dir.path() / ".master.log", log.substr(0, half));
  CHECK(t.poll(s, 1.0).report.bytes == half);
  // Appended before the rename, then more after it (through the same inode).
  append_file(dir.path() / ".master.log", log.substr(half, 100));
  std::filesystem::rename(dir.path() / ".master.log", dir.path() / "master.log");
  append_file(dir.path() / "master.log", log.substr(half + 100));
  const auto r = t.poll(s, 2.0);
  CHECK(r.renamed);
  CHECK_FALSE(r.report.reset);
  CHECK(r.at_end);
  CHECK(r.report.bytes == log.size() - half);
  CHECK(summary(s) == summary_of_text(log));
  CHECK(s.resets() == 0);
}

TEST_CASE("a log found only as master.log (the exporter started late) is read whole") {
  TempDir dir;
  const std::string log = wte::test::fixture_log("openapi-2020-failed-root.log");
  write_file(dir.path() / "master.log", log);
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  const auto r = t.poll(s, 1.0);
  CHECK(r.renamed);
  CHECK(r.report.bytes == log.size());
  CHECK(summary(s) == summary_of_text(log));
}

TEST_CASE("truncation: read again from byte 0") {
  TempDir dir;
  const std::string first = generated_log(5, 1);
  const std::string second = generated_log(2, 2);
  REQUIRE(second.size() < first.size());
  const auto file = dir.path() / ".master.log";
  write_file(file, first);
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  t.poll(s, 1.0);
  std::filesystem::resize_file(file, 0);
  append_file(file, second);
  const auto r = t.poll(s, 2.0);
  CHECK(r.report.reset);
  CHECK(r.report.bytes == second.size());
  CHECK(s.resets() == 1);
  CHECK(summary(s) == summary_of_text(second));
}

TEST_CASE("replacement by another log (new inode, other beginning): read again from 0") {
  TempDir dir;
  const std::string first = generated_log(2, 1);
  const std::string second = generated_log(8, 9);  // longer: size alone would not tell
  REQUIRE(second.size() > first.size());
  const auto file = dir.path() / ".master.log";
  write_file(file, first);
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  t.poll(s, 1.0);
  write_file(dir.path() / "new.tmp", second);
  std::filesystem::rename(dir.path() / "new.tmp", file);
  const auto r = t.poll(s, 2.0);
  CHECK(r.report.reset);
  CHECK(summary(s) == summary_of_text(second));
  CHECK(t.poll(s, 3.0).report.bytes == 0);
}

TEST_CASE("a copy that continues the same log (new inode, same beginning) is not a reset") {
  TempDir dir;
  const std::string log = generated_log(6, 4);
  const std::size_t part = log.size() / 2;
  const auto file = dir.path() / ".master.log";
  write_file(file, log.substr(0, part));
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  t.poll(s, 1.0);
  write_file(dir.path() / "copy.tmp", log);
  std::filesystem::rename(dir.path() / "copy.tmp", file);
  const auto r = t.poll(s, 2.0);
  CHECK_FALSE(r.report.reset);
  CHECK(r.report.bytes == log.size() - part);
  CHECK(summary(s) == summary_of_text(log));
}

TEST_CASE("rewritten in place with other content, grown: read again from 0") {
  TempDir dir;
  const std::string first = generated_log(2, 1);
  const std::string second = generated_log(8, 9);
  const auto file = dir.path() / ".master.log";
  write_file(file, first);
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  t.poll(s, 1.0);
  struct stat before {};
  ::stat(file.c_str(), &before);
  write_file(file, second);  // O_TRUNC: same inode
  struct stat after {};
  ::stat(file.c_str(), &after);
  REQUIRE(before.st_ino == after.st_ino);
  const auto r = t.poll(s, 2.0);
  CHECK(r.report.reset);
  CHECK(summary(s) == summary_of_text(second));
}

// Regression: only the first 4 KiB were compared, so a log rewritten in place that kept its
// beginning went on from the old offset, mid-line, with wrong counts.
TEST_CASE("rewritten in place keeping its first 4 KiB: read again from 0") {
  TempDir dir;
  const std::string log = generated_log(20, 3);
  REQUIRE(log.size() > 3 * 4096);
  const auto file = dir.path() / ".master.log";
  write_file(file, log.substr(0, 2 * 4096));
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  t.poll(s, 1.0);
  // Same first 4 KiB, other bytes before the offset (two lines removed), grown.
  const std::size_t cut = log.find('\n', 4096 + 100) + 1;
  const std::size_t cut_end = log.find('\n', log.find('\n', cut) + 1) + 1;
  const std::string rewritten = log.substr(0, cut) + log.substr(cut_end);
  write_file(file, rewritten);
  const auto r = t.poll(s, 2.0);
  CHECK(r.report.reset);
  CHECK(summary(s) == summary_of_text(rewritten));
}

TEST_CASE("a log that cannot be read is an error value; the session keeps what it had") {
  TempDir dir;
  const std::string log = wte::test::fixture_log("seed-2014-three-accounts.log");
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  SUBCASE("the log path is a directory") {
    std::filesystem::create_directories(dir.path() / ".master.log");
    const auto r = t.poll(s, 1.0);
    REQUIRE_FALSE(r.read.ok());
    CHECK(r.read.error().message.find("not a regular file") != std::string::npos);
    CHECK(s.offset() == 0);
  }
  SUBCASE("permission denied") {
    write_file(dir.path() / ".master.log", log);
    ::chmod((dir.path() / ".master.log").c_str(), 0);
    const auto r = t.poll(s, 1.0);
    if (wte::local::testing::running_as_root()) {
      MESSAGE("running as root: file permissions do not stop reads; permission check skipped");
      CHECK(r.read.ok());
    } else {
      REQUIRE_FALSE(r.read.ok());
      CHECK(r.read.error().message.find("Permission denied") != std::string::npos);
      CHECK(s.offset() == 0);
    }
  }
}

TEST_CASE("a log deleted under the tailer releases its descriptor") {
  TempDir dir;
  write_file(dir.path() / ".master.log", wte::test::fixture_log("seed-2014-three-accounts.log"));
  TrackedSession s("h", "id");
  LogTailer t(dir.path());
  t.poll(s, 1.0);
  CHECK(t.is_open());
  std::filesystem::remove(dir.path() / ".master.log");
  const auto r = t.poll(s, 2.0);
  CHECK_FALSE(r.log_exists);
  CHECK(r.read.ok());
  CHECK_FALSE(t.is_open());
}
