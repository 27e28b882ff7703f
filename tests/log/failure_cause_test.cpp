// failure_cause: what differs between accounts goes, so the same cause groups.
#include "log/failure_cause.hpp"

#include <doctest/doctest.h>

using wte::log::failure_cause;

TEST_CASE("quoted names, hosts, numbers and the account's own name are replaced") {
  CHECK(failure_cause("The account “root” already exists on “control.box.new”.", "root") ==
        "The account “…” already exists on “…”.");
  CHECK(failure_cause("Failed to restore bob: disk quota of 1024 MB exceeded on host2.example.com.",
                      "bob") ==
        "Failed to restore <account>: disk quota of <n> MB exceeded on <host>.");
  CHECK(failure_cause("connect to 10.1.32.200 port 22 timed out (XID 7x9k2m)", "x") ==
        "connect to <host> port <n> timed out (XID <n>)");
  CHECK(failure_cause("'cpuser' is not a valid user; \"cpuser\" has 'no' files", "") ==
        "'…' is not a valid user; \"…\" has '…' files");
  CHECK(failure_cause("User BOB can't log in", "bob") == "User <account> can't log in");
}

TEST_CASE("two accounts failing the same way have the same cause") {
  const auto a =
      failure_cause("The account “alice” already exists on “new1.example.com”.", "alice");
  const auto b = failure_cause("The account “bob” already exists on “new2.example.com”.", "bob");
  CHECK(a == b);
  CHECK(failure_cause("/home/alice/public_html is 12.5G", "alice") ==
        failure_cause("/home/bob/public_html is 3G", "bob"));
}

TEST_CASE("white space is one space, none at the ends; words that are not numbers stay") {
  CHECK(failure_cause("  line one\n\n  line\ttwo \r\n", "") == "line one line two");
  CHECK(failure_cause("version 5.7.3 of e.g. MySQL", "") == "version <n> of e.g. MySQL");
  CHECK(failure_cause("", "bob") == "");
}

TEST_CASE("an unclosed quote is text; UTF-8 outside quotes is kept whole") {
  CHECK(failure_cause("a “dangling quote", "") == "a “dangling quote");
  CHECK(failure_cause("don't “stop” — ünïcode", "") == "don't “…” — ünïcode");
  CHECK(failure_cause("«x» and ‘y’", "") == "«…» and ‘…’");
}
