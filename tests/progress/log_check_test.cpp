#include "progress/log_check.hpp"

#include <doctest/doctest.h>

#include <string>

#include "log/master_log.hpp"

using namespace wte::progress;
using Verdict = MasterLogCheck::Verdict;

namespace {

// The command's reading, in small pieces when asked: the log and its check.
struct Fed {
  wte::log::MasterLog log;
  MasterLogCheck check;

  void feed(std::string_view bytes, std::size_t piece = std::string::npos) {
    while (!bytes.empty()) {
      auto part = bytes.substr(0, std::min({piece, bytes.size()}));
      bytes.remove_prefix(part.size());
      const auto head = part.substr(0, std::min(part.size(), check.window_left()));
      if (!head.empty()) {
        log.feed(head);
        check.observe(head, log.info());
      }
      if (head.size() < part.size()) log.feed(part.substr(head.size()));
    }
  }
  Verdict now(bool ended) const { return check.verdict(log.info(), ended); }
};

const std::string kLine = R"({"contents":{"action":"start","time":1}})"
                          "\n";

}  // namespace

TEST_CASE("a master log is one as soon as a line is well-formed") {
  Fed f;
  f.feed(kLine);
  CHECK(f.now(false) == Verdict::master_log);
  f.feed(std::string(100000, 'x') + "\n");  // what comes after does not matter
  CHECK(f.now(false) == Verdict::master_log);
  CHECK(f.now(true) == Verdict::master_log);
}

TEST_CASE("nothing, blank lines, or a first line being written: not judged yet") {
  Fed empty;
  CHECK(empty.now(false) == Verdict::undecided);
  CHECK(empty.now(true) == Verdict::master_log);  // a session not started
  Fed blank;
  blank.feed("\n  \n\r\n");
  CHECK(blank.now(false) == Verdict::undecided);
  CHECK(blank.now(true) == Verdict::master_log);
  Fed partial;
  partial.feed(R"({"contents":{"act)");
  CHECK(partial.now(false) == Verdict::undecided);
  partial.feed(R"(ion":"start"}})"
               "\n");
  CHECK(partial.now(false) == Verdict::master_log);
}

TEST_CASE("what does not begin like one is not one, before 64 KiB") {
  Fed passwd;
  passwd.feed("root:x:0:0:root:/root:/bin/bash\n");
  CHECK(passwd.now(false) == Verdict::not_a_log);
  CHECK(passwd.check.reason(false) == "it begins with something that is not a master-log line");
  Fed binary;
  binary.feed(
      "\x7f"
      "ELF\x02\x01");  // no newline yet
  CHECK(binary.now(false) == Verdict::not_a_log);
  Fed json;
  json.feed("{\"a\":1}\n");  // JSON, not a master-log line
  CHECK(json.now(false) == Verdict::not_a_log);
}

TEST_CASE("a bad first line and a good one in the same read: a log") {
  Fed f;
  f.feed("garbage\n" + kLine);
  CHECK(f.now(false) == Verdict::master_log);
  CHECK(f.log.info().malformed_lines == 1);
}

TEST_CASE("the first 64 KiB decide, however the bytes arrive") {
  for (const std::size_t piece : {std::size_t{1000}, std::size_t{4096}, std::string::npos}) {
    CAPTURE(piece);
    std::string start(MasterLogCheck::kWindow - 10, '{');  // one unfinished line
    Fed f;
    f.feed(start, piece);
    CHECK(f.now(false) == Verdict::undecided);
    f.feed(std::string(20, '{'), piece);  // 64 KiB and no line yet
    CHECK(f.now(false) == Verdict::not_a_log);
    f.feed("\n" + kLine, piece);  // a good line past the window changes nothing
    CHECK(f.log.info().lines == 1);
    CHECK(f.now(false) == Verdict::not_a_log);
    CHECK(f.now(true) == Verdict::not_a_log);
    CHECK(f.check.reason(false) == "no master-log line in its first 64 KiB");
  }
  Fed ended;
  ended.feed("x\n");
  CHECK(ended.check.reason(true) == "no master-log line in its first 64 KiB");
}

TEST_CASE("a last line that finish() parses counts when it is inside the window") {
  Fed f;
  f.feed(R"({"contents":{"action":"start"}})");  // no newline: pending
  CHECK(f.now(false) == Verdict::undecided);
  f.log.finish();
  CHECK(f.log.info().lines == 1);
  CHECK(f.now(true) == Verdict::master_log);
}
