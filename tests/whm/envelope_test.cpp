#include "whm/envelope.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace wte::whm;

namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kOldText = "text/plain; charset=\"utf-8\"";

struct StateCase {
  const char* name;
  unsigned status;
  const char* content_type;
  std::string body;
  bool ok;
  const char* want;  // the state name, or a piece of the error message
  ErrorReason reason = ErrorReason::bad_response;
};

std::string envelope(const std::string& data, const std::string& result,
                     const std::string& reason = "\"OK\"") {
  return "{\"data\":" + data + ",\"metadata\":{\"command\":\"x\",\"reason\":" + reason +
         ",\"result\":" + result + ",\"version\":1}}";
}

}  // namespace

TEST_CASE("parse_state_response: table") {
  const std::string cpanel_denied =
      R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}})";
  const std::vector<StateCase> cases = {
      {"new style", 200, kJson, envelope(R"({"state_name":"RUNNING"})", "1"), true, "RUNNING"},
      {"old style string result", 200, kOldText, envelope(R"({"state_name":"COMPLETED"})", "\"1\""),
       true, "COMPLETED"},
      {"documented extra state", 200, kJson,
       envelope(R"({"state_name":"TRANSFER_INPROGRESS"})", "1"), true, "TRANSFER_INPROGRESS"},
      {"unknown state kept", 200, kJson, envelope(R"({"state_name":"SOMETHING_NEW"})", "1"), true,
       "SOMETHING_NEW"},
      {"no content type", 200, "", envelope(R"({"state_name":"PAUSED"})", "1"), true, "PAUSED"},
      {"key order and spaces", 200, kJson,
       " {\"metadata\":{\"result\":1},\n \"data\":{\"x\":[1,2],\"state_name\":\"FAILED\"}}\n", true,
       "FAILED"},
      {"result 0 int", 200, kJson,
       envelope("{}", "0", R"j("API failure: No session with that id (XID 7xk2qp)")j"), false,
       "API failure: No session with that id (XID 7xk2qp)", ErrorReason::api},
      {"result 0 string", 200, kOldText,
       envelope("null", "\"0\"", R"("  Session does not exist.\n ")"), false,
       "Session does not exist.", ErrorReason::api},
      {"result 0 without reason", 200, kJson, R"({"metadata":{"result":0}})", false, "no reason",
       ErrorReason::api},
      {"403 cpanelresult", 403, kOldText, cpanel_denied, false,
       "authentication failed (HTTP 403): Access denied", ErrorReason::auth},
      {"401 no body", 401, "text/html", "", false, "authentication failed (HTTP 401)",
       ErrorReason::auth},
      {"500", 500, "text/html", "<html>boom</html>", false, "HTTP 500", ErrorReason::http},
      {"502", 502, "text/html", "", false, "HTTP 502", ErrorReason::http},
      {"html login page", 200, "text/html", "<html>login</html>", false, "Content-Type",
       ErrorReason::bad_response},
      {"empty body", 200, kJson, "", false, "empty", ErrorReason::bad_response},
      {"truncated", 200, kJson, envelope(R"({"state_name":"RUNNING"})", "1").substr(0, 30), false,
       "invalid JSON", ErrorReason::bad_response},
      {"trailing garbage", 200, kJson, envelope(R"({"state_name":"RUNNING"})", "1") + "xx", false,
       "invalid JSON", ErrorReason::bad_response},
      {"trailing NUL", 200, kJson,
       envelope(R"({"state_name":"RUNNING"})", "1") + std::string("\0{}", 3), false, "invalid JSON",
       ErrorReason::bad_response},
      {"not an object", 200, kJson, "[1,2,3]", false, "not a JSON object"},
      {"no metadata", 200, kJson, R"({"data":{"state_name":"RUNNING"}})", false, "metadata"},
      {"result 2", 200, kJson, envelope(R"({"state_name":"RUNNING"})", "2"), false,
       "metadata.result"},
      {"result null", 200, kJson, envelope(R"({"state_name":"RUNNING"})", "null"), false,
       "metadata.result"},
      {"data not object", 200, kJson, envelope("[]", "1"), false, "data object"},
      {"state_name number", 200, kJson, envelope(R"({"state_name":20})", "1"), false, "state_name"},
      {"state_name missing", 200, kJson, envelope(R"({"state":20})", "1"), false, "state_name"},
      {"state_name empty", 200, kJson, envelope(R"({"state_name":""})", "1"), false, "empty"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto result = parse_state_response(c.body, c.status, c.content_type);
    REQUIRE(result.ok() == c.ok);
    if (c.ok) {
      CHECK(result.value() == c.want);
    } else {
      CHECK(result.error().reason == c.reason);
      CHECK(result.error().message.find(c.want) != std::string::npos);
      CHECK(result.error().http_status == c.status);
    }
  }
}

TEST_CASE("api failure reasons are bounded and made valid UTF-8") {
  const std::string long_reason = "\"API failure: " + std::string(2000, 'x') + " (XID abc)\"";
  const auto r = parse_state_response(envelope("{}", "0", long_reason), 200, kJson);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason == ErrorReason::api);
  CHECK(r.error().message.size() <= kMaxReasonBytes);
  CHECK(r.error().message.starts_with("API failure: xxx"));

  const auto bad_utf8 =
      parse_state_response(envelope("{}", "0", "\"bad \xff\xfe byte\""), 200, kJson);
  REQUIRE_FALSE(bad_utf8.ok());
  CHECK(bad_utf8.error().message.find('\xff') == std::string::npos);
  CHECK(bad_utf8.error().message.starts_with("bad "));

  const auto invalid_name =
      parse_state_response(envelope("{\"state_name\":\"RUN\xc3\"}", "1"), 200, kJson);
  REQUIRE_FALSE(invalid_name.ok());
  CHECK(invalid_name.error().reason == ErrorReason::bad_response);
  CHECK(invalid_name.error().message.find("RUN") == std::string::npos);
}

namespace {
constexpr std::string_view kToken = "U7HMR63FHY282DQZ4H5BIH16JLYSO01M";  // cPanel's shape

std::string state_envelope(std::string_view name) {
  return envelope("{\"state_name\":\"" + std::string(name) + "\"}", "1");
}
}  // namespace

TEST_CASE("a state name is a state name: never the token, a piece of it, or free text") {
  for (const char* good :
       {"RUNNING", "COMPLETED", "TRANSFER_INPROGRESS", "SOMETHING_NEW", "X", "STATE_2"}) {
    CAPTURE(good);
    const auto r = parse_state_response(state_envelope(good), 200, kJson, kToken);
    REQUIRE(r.ok());
    CHECK(r.value() == good);
  }
  const std::vector<std::string> bad = {std::string(kToken),
                                        "X" + std::string(kToken) + "Y",
                                        std::string(kToken.substr(0, 12)),
                                        std::string(kToken.substr(10, 10)),
                                        "running",
                                        "RUN NING",
                                        "<script>",
                                        "1RUNNING",
                                        std::string(65, 'A'),
                                        "A\\u0000B"};
  for (const auto& name : bad) {
    CAPTURE(name);
    const auto r = parse_state_response(state_envelope(name), 200, kJson, kToken);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == ErrorReason::bad_response);
    CHECK(r.error().message.find("not a state name") != std::string::npos);
    CHECK(r.error().message.find(kToken.substr(0, 8)) == std::string::npos);
  }
  // Without a secret to compare with, the shape alone decides.
  CHECK(parse_state_response(state_envelope(kToken), 200, kJson).ok());
  CHECK(is_plausible_state_name("PAUSED", kToken));
  CHECK_FALSE(is_plausible_state_name(kToken, kToken));
}

TEST_CASE("the token is redacted before a reason is cut: no prefix of it straddles the cut") {
  for (std::size_t lead = kMaxReasonBytes - kToken.size(); lead <= kMaxReasonBytes; ++lead) {
    CAPTURE(lead);
    const std::string reason = "\"" + std::string(lead, 'r') + std::string(kToken) + " tail\"";
    for (const unsigned status : {200u, 403u, 500u}) {
      const std::string body =
          status == 200 ? envelope("{}", "0", reason) : "{\"error\":" + reason + "}";
      const auto r = parse_state_response(body, status, kJson, kToken);
      REQUIRE_FALSE(r.ok());
      for (std::size_t piece = 4; piece <= kToken.size(); ++piece) {
        CHECK(r.error().message.find(kToken.substr(0, piece)) == std::string::npos);
      }
    }
  }
  const auto type = parse_state_response("x", 200, "text/html; t=" + std::string(kToken), kToken);
  REQUIRE_FALSE(type.ok());
  CHECK(type.error().message.find(kToken) == std::string::npos);
  CHECK(clean_server_text(std::string(495, 'a') + std::string(kToken), kMaxReasonBytes, kToken)
            .find(kToken.substr(0, 4)) == std::string::npos);
}

TEST_CASE("a log quoting the token has it masked, keeping its length") {
  const std::string log = "{\\\"item\\\":\\\"" + std::string(kToken) + "\\\"}\\n" +
                          std::string(kToken) + std::string(kToken);
  auto r = parse_log_response(envelope("{\"log\":\"" + log + "\"}", "1"), 200, kJson, kToken);
  REQUIRE(r.ok());
  const std::string_view text = r.value().log;
  CHECK(text.find(kToken) == std::string_view::npos);
  CHECK(text.find(kToken.substr(0, 8)) == std::string_view::npos);
  CHECK(text == "{\"item\":\"" + std::string(kToken.size(), '*') + "\"}\n" +
                    std::string(2 * kToken.size(), '*'));
}

TEST_CASE("deeply nested JSON is a bad response, not a stack overflow") {
  // 150,000 nested arrays: 300 KB, far under any size limit. A recursive parser overflows
  // the stack on it; every WHM answer is read with bounded depth.
  const std::string deep = std::string(150000, '[') + std::string(150000, ']');
  const std::vector<std::string> bodies = {
      deep, "{\"data\":{\"state_name\":" + deep + "},\"metadata\":{\"result\":1}}",
      envelope("{\"log\":" + deep + "}", "1"), envelope("{\"x\":" + deep + "}", "1"),
      std::string(150000, '{')};
  for (const auto& body : bodies) {
    const auto state = parse_state_response(body, 200, kJson);
    REQUIRE_FALSE(state.ok());
    CHECK(state.error().reason == ErrorReason::bad_response);
    auto log = parse_log_response(std::string(body), 200, kJson);
    REQUIRE_FALSE(log.ok());
    CHECK(log.error().reason == ErrorReason::bad_response);
  }
  const auto nested = parse_state_response(bodies[1], 200, kJson);
  CHECK(nested.error().message.find("nested deeper than") != std::string::npos);
  // Error bodies are parsed for their reason too: a deep one only loses its reason.
  const auto denied = parse_state_response(std::string(60000, '[') + "]", 403, kJson);
  CHECK(denied.error().reason == ErrorReason::auth);
  CHECK(denied.error().message == "authentication failed (HTTP 403)");
  // Nesting a real answer needs stays accepted.
  std::string moderate = "1";
  for (int i = 0; i < 40; ++i) moderate = "[" + moderate + "]";
  CHECK(parse_state_response(envelope("{\"x\":" + moderate + ",\"state_name\":\"RUNNING\"}", "1"),
                             200, kJson)
            .ok());
}

TEST_CASE("parse_log_response: escapes are undone in place") {
  const std::string body = envelope(
      R"({"log":"{\"pid\":1,\"msg\":\"\u201croot\u201d\"}\n{\"a\":\"tab\there\"}\n\u0000end"})",
      "1");
  auto result = parse_log_response(std::string(body), 200, kJson);
  REQUIRE(result.ok());
  const std::string want = std::string("{\"pid\":1,\"msg\":\"\xe2\x80\x9croot\xe2\x80\x9d\"}\n") +
                           "{\"a\":\"tab\there\"}\n" + std::string("\0end", 4);
  CHECK(result.value().log == want);
  // The view points into the object's own storage, also after moves and copies.
  LogBody moved = std::move(result).value();
  CHECK(moved.log == want);
  CHECK(moved.log.data() >= moved.storage.data());
  CHECK(moved.log.data() + moved.log.size() <= moved.storage.data() + moved.storage.size());
  LogBody copy = moved;
  CHECK(copy.log == want);
  CHECK(copy.log.data() != moved.log.data());
  LogBody assigned;
  assigned = std::move(copy);
  CHECK(assigned.log == want);
}

TEST_CASE("parse_log_response: a large log is not copied") {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += R"({\"pid\":12790,\"type\":\"control\"}\n)";
  const std::string json = envelope("{\"log\":\"" + text + "\"}", "\"1\"");
  std::string body;
  body.reserve(json.size() + kScanSlack);  // as the client's bodies have
  body = json;
  const char* original = body.data();
  const std::size_t body_size = body.size();
  auto result = parse_log_response(std::move(body), 200, kOldText);
  REQUIRE(result.ok());
  const LogBody& log = result.value();
  CHECK(log.storage.data() == original);  // the very same buffer
  CHECK(log.storage.size() == body_size);
  const std::string_view line = "{\"pid\":12790,\"type\":\"control\"}\n";
  CHECK(log.log.size() == 200000u * line.size());
  CHECK(log.log.substr(0, line.size()) == line);
  CHECK(log.log.substr(log.log.size() - line.size()) == line);
}

TEST_CASE("parse_log_response: errors") {
  CHECK(parse_log_response(envelope(R"({"log":null})", "1"), 200, kJson).error().reason ==
        ErrorReason::bad_response);
  CHECK(parse_log_response(envelope(R"({})", "1"), 200, kJson).error().reason ==
        ErrorReason::bad_response);
  const auto failed = parse_log_response(
      envelope("{}", "0", R"("API failure: The log file does not exist.")"), 200, kJson);
  CHECK(failed.error().reason == ErrorReason::api);
  CHECK(failed.error().message == "API failure: The log file does not exist.");
  CHECK(parse_log_response("{\"data\":{\"log\":\"abc", 200, kJson).error().reason ==
        ErrorReason::bad_response);
  CHECK(
      parse_log_response("{\"data\":{\"log\":\"\\uZZZZ\"},\"metadata\":{\"result\":1}}", 200, kJson)
          .error()
          .reason == ErrorReason::bad_response);
  CHECK(parse_log_response("forbidden", 403, "text/plain").error().reason == ErrorReason::auth);
  CHECK(parse_log_response("", 502, "").error().message == "HTTP 502");
}

TEST_CASE("parse_log_response: invalid UTF-8 in the log is passed through for the engine") {
  const std::string body = envelope(
      "{\"log\":\"a\xff"
      "b\\n\"}",
      "1");
  const auto result = parse_log_response(std::string(body), 200, kJson);
  REQUIRE(result.ok());
  CHECK(result.value().log ==
        "a\xff"
        "b\n");
}

TEST_CASE("clean_server_text") {
  CHECK(clean_server_text("  a\nb\t ") == "a b");
  CHECK(clean_server_text(std::string(600, 'y')).size() <= kMaxReasonBytes);
  CHECK(clean_server_text("") == "");
}
