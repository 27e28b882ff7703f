#include "exporter/cli_commands.hpp"

#include <doctest/doctest.h>

#include <string>

using wte::exporter::parse_sessions_list;

TEST_CASE("sessions list: the API's answer, as printable rows") {
  const auto rows = parse_sessions_list(
      R"({"sessions":[{"host":"whm1","session_id":"abc","state":"RUNNING"},)"
      R"({"host":"whm2","session_id":"d\u001b[2Je","state":null}],"hosts":[]})");
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].host == "whm1");
  CHECK((*rows)[0].session_id == "abc");
  CHECK((*rows)[0].state == "RUNNING");
  CHECK((*rows)[1].session_id == "d [2Je");  // no escape sequence reaches the terminal
  CHECK((*rows)[1].state == "unknown");
}

TEST_CASE("sessions list: any other answer, however deep or odd, is no list and no crash") {
  const std::string deep = std::string(150000, '[') + std::string(150000, ']');
  for (const std::string& body :
       {deep, R"({"sessions":)" + deep + "}", std::string(), std::string("null"),
        std::string(R"({"sessions":{}})"), std::string(R"({"sessions":[1,2]})"),
        std::string(R"({"sessions":[)") + deep + "]}"}) {
    CHECK_FALSE(parse_sessions_list(body).has_value());
  }
  const auto odd = parse_sessions_list(R"({"sessions":[{"host":1,"session_id":[]}]})");
  REQUIRE(odd);
  CHECK((*odd)[0].host == "unknown");
}
