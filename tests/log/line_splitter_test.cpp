#include "log/line_splitter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {
struct Collected {
  std::vector<std::string> lines;
  int overlong = 0;
};

Collected split(const std::string& data, std::size_t chunk, std::size_t limit = 1 << 20,
                wte::log::LineSplitter* keep = nullptr) {
  wte::log::LineSplitter local(limit);
  auto& s = keep ? *keep : local;
  Collected c;
  for (std::size_t i = 0; i < data.size(); i += chunk) {
    s.feed(
        std::string_view(data).substr(i, chunk),
        [&](std::string_view l) { c.lines.emplace_back(l); }, [&] { ++c.overlong; });
  }
  return c;
}
}  // namespace

TEST_CASE("lines are cut at LF and CRLF whatever the chunk size") {
  const std::string data = "one\ntwo\r\nthree\n\nfour";
  for (std::size_t chunk = 1; chunk <= data.size(); ++chunk) {
    wte::log::LineSplitter s(1 << 20);
    const auto c = split(data, chunk, 1 << 20, &s);
    CAPTURE(chunk);
    CHECK(c.lines == std::vector<std::string>{"one", "two", "three", ""});
    CHECK(s.pending() == "four");
    CHECK(s.pending_bytes() == 4);
  }
}

TEST_CASE("an overlong line is dropped as it streams, counted once, never buffered") {
  const std::string data = "short\n" + std::string(100, 'x') + "\nafter\n" + std::string(50, 'y');
  for (std::size_t chunk : {1u, 7u, 64u, 1000u}) {
    wte::log::LineSplitter s(20);
    const auto c = split(data, chunk, 20, &s);
    CAPTURE(chunk);
    CHECK(c.lines == std::vector<std::string>{"short", "after"});
    CHECK(c.overlong == 2);  // the 100-byte line, and the unfinished 50-byte tail
    CHECK(s.discarding());
    CHECK(s.pending().empty());
    CHECK(s.pending_bytes() == 50);
  }
}

TEST_CASE("a line exactly at the limit is kept") {
  const auto c = split(std::string(20, 'z') + "\n", 3, 20);
  CHECK(c.lines.size() == 1);
  CHECK(c.overlong == 0);
}
