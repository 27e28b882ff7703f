#include "sources/log_fingerprint.hpp"

#include <doctest/doctest.h>

#include <string>

using wte::sources::LogFingerprint;

namespace {
std::string text_of(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; s.size() < n; ++i) s += "line " + std::to_string(i) + "\n";
  s.resize(n);
  return s;
}
}  // namespace

TEST_CASE("the bytes appended are a prefix of the log they came from, in any chunks") {
  const std::string log = text_of(10000);
  LogFingerprint f;
  CHECK(f.is_prefix_of(""));
  f.append(std::string_view(log).substr(0, 1));
  f.append(std::string_view(log).substr(1, 4999));
  f.append(std::string_view(log).substr(5000, 3000));
  CHECK(f.length() == 8000);
  CHECK(f.is_prefix_of(log));
  CHECK(f.is_prefix_of(log.substr(0, 8000)));
  CHECK_FALSE(f.is_prefix_of(log.substr(0, 7999)));  // shorter than what was read
  std::string changed = log;
  changed[7000] ^= 1;
  CHECK_FALSE(f.is_prefix_of(changed));
  changed = log;
  changed[9000] ^= 1;  // past what was read: still a continuation
  CHECK(f.is_prefix_of(changed));
}

TEST_CASE("samples: the head and the bytes before the offset") {
  const std::string log = text_of(10000);
  LogFingerprint f;
  f.append(std::string_view(log).substr(0, 6000));
  f.append(std::string_view(log).substr(6000, 100));  // a short chunk: the tail spans two
  CHECK(f.head_bytes() == LogFingerprint::kHeadBytes);
  CHECK(f.tail_bytes() == LogFingerprint::kTailBytes);
  const auto head = std::string_view(log).substr(0, f.head_bytes());
  const auto tail = std::string_view(log).substr(6100 - f.tail_bytes(), f.tail_bytes());
  CHECK(f.matches(6100, head, tail));
  CHECK(f.matches(20000, head, tail));
  CHECK_FALSE(f.matches(6099, head, tail));
  std::string other_tail(tail);
  other_tail[0] ^= 1;
  CHECK_FALSE(f.matches(6100, head, other_tail));
  std::string other_head(head);
  other_head[100] ^= 1;
  CHECK_FALSE(f.matches(6100, other_head, tail));
}

TEST_CASE("a short log is its own head and tail; clear starts over") {
  LogFingerprint f;
  f.append("abc");
  CHECK(f.head_bytes() == 3);
  CHECK(f.tail_bytes() == 3);
  CHECK(f.matches(3, "abc", "abc"));
  f.clear();
  CHECK(f.length() == 0);
  CHECK(f.is_prefix_of("anything"));
  CHECK(f.matches(0, "", ""));
}
