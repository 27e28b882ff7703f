// Invalid configs: each error kind with its exact FILE:LINE:COL: KEY, all errors collected.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/loader.hpp"

using wte::config::load_config_string;

namespace {

std::vector<std::string> errors_of(std::string_view text) {
  const auto result = load_config_string(text, "t.yml");
  std::vector<std::string> out;
  if (result.ok()) return out;
  CHECK_FALSE(result.error().empty());
  for (const auto& e : result.error()) out.push_back(e.to_string());
  return out;
}

// The one error `text` produces, as text.
std::string only_error(std::string_view text) {
  const auto errors = errors_of(text);
  for (const auto& e : errors) INFO(e);
  REQUIRE(errors.size() == 1);
  return errors[0];
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr std::string_view kHostHead = "hosts:\n  - name: h1\n    url: https://h1\n";

}  // namespace

TEST_CASE("ConfigError::to_string") {
  using wte::config::ConfigError;
  CHECK(ConfigError{"f", 3, 7, "hosts[1].timeout", "bad"}.to_string() ==
        "f:3:7: hosts[1].timeout: bad");
  CHECK(ConfigError{"f", 3, 7, "", "bad"}.to_string() == "f:3:7: bad");
  CHECK(ConfigError{"f", 0, 0, "", "bad"}.to_string() == "f: bad");
}

TEST_CASE("unknown keys name the allowed keys and the closest one") {
  std::string e = only_error("log_levle: info\n");
  CHECK(
      e.starts_with("t.yml:1:1: log_levle: unknown key (did you mean \"log_level\"?); "
                    "allowed keys here: listen_address, "));
  CHECK(contains(e, "hosts"));

  e = only_error("limits:\n  max_lines_bytes: 1\n");
  CHECK(
      e.starts_with("t.yml:2:3: limits.max_lines_bytes: unknown key (did you mean "
                    "\"max_line_bytes\"?)"));

  e = only_error(std::string(kHostHead) + "    token_env: T\n    timeout_s: 5s\n");
  CHECK(e.starts_with("t.yml:5:5: hosts[0].timeout_s: unknown key (did you mean \"timeout\"?)"));
  CHECK(contains(e,
                 "allowed keys here: name, url, user, token_file, token_env, "
                 "token_credential, ca_file, tls_insecure_skip_verify, timeout, "
                 "log_wait_timeout, sessions"));

  e = only_error("local: {enabled: true, frobnicate: 1}\n");
  CHECK(e.starts_with("t.yml:1:24: local.frobnicate: unknown key; allowed keys here: "));
  CHECK_FALSE(contains(e, "did you mean"));
}

TEST_CASE("an inline token is refused without echoing it") {
  const std::string e =
      only_error(std::string(kHostHead) + "    token: S3CR3TT0K3NABCDEFGHIJKLMNOP\n");
  CHECK(e.starts_with("t.yml:4:5: hosts[0].token: tokens are never written inline"));
  CHECK(contains(e, "token_file"));
  CHECK(contains(e, "chmod 600"));
  CHECK(contains(e, "token_env"));
  CHECK(contains(e, "token_credential"));
  CHECK_FALSE(contains(e, "S3CR3T"));

  const std::string api = only_error("api:\n  bearer_token: S3CR3T\n");
  CHECK(api.starts_with("t.yml:2:3: api.bearer_token: tokens are never written inline"));
  CHECK_FALSE(contains(api, "S3CR3T"));
}

TEST_CASE("wrong types") {
  CHECK(only_error("poll_interval: [1s]\n") ==
        "t.yml:1:16: poll_interval: expected a duration like 500ms, 15s, 5m, 1h30m or 2d, got a "
        "sequence");
  CHECK(only_error("limits: 5\n") == "t.yml:1:9: limits: expected a mapping, got a scalar");
  CHECK(only_error("hosts: {name: x}\n") == "t.yml:1:8: hosts: expected a sequence, got a mapping");
  CHECK(only_error("hosts: [5]\n")
            .starts_with("t.yml:1:9: hosts[0]: expected a host mapping (name, url, token_file...), "
                         "got a scalar"));
  CHECK(only_error("allow_insecure_token_permissions: maybe\n") ==
        "t.yml:1:35: allow_insecure_token_permissions: expected true or false, got \"maybe\"");
  CHECK(only_error("max_concurrent_requests: -3\n") ==
        "t.yml:1:26: max_concurrent_requests: expected a whole number, got \"-3\"");
  CHECK(only_error("max_concurrent_requests: 0\n") ==
        "t.yml:1:26: max_concurrent_requests: must be greater than 0");
  CHECK(only_error("state_directory: ''\n") == "t.yml:1:18: state_directory: must not be empty");
  CHECK(only_error("log_level:\n") ==
        "t.yml:1:1: log_level: has no value; expected a string (remove the key to use the "
        "default)");
  CHECK(only_error("{[a]: 1}\n") == "t.yml:1:2: keys must be plain names, got a sequence");
  CHECK(only_error(std::string(kHostHead) + "    token_env: T\n    sessions: [{a: 1}]\n") ==
        "t.yml:5:16: hosts[0].sessions[0]: expected a session id, got a mapping");
}

TEST_CASE("bad durations and sizes") {
  CHECK(only_error("stall_threshold: 500ms\n") ==
        "t.yml:1:18: stall_threshold: must be at least 1s, got 500ms");
  CHECK(only_error("stall_threshold: soon\n")
            .starts_with("t.yml:1:18: stall_threshold: invalid duration \"soon\""));
  CHECK(only_error("finished_retention: 1.5h\n")
            .starts_with("t.yml:1:21: finished_retention: invalid duration \"1.5h\"; expected a "
                         "duration like 500ms"));
  CHECK(only_error("limits:\n  idle_timeout: 60\n")
            .starts_with("t.yml:2:17: limits.idle_timeout: invalid duration \"60\""));
  CHECK(only_error("limits:\n  max_response_bytes: 256M\n")
            .starts_with("t.yml:2:23: limits.max_response_bytes: invalid size \"256M\"; expected "
                         "a size in bytes like 1048576, 512KiB"));
  CHECK(only_error("limits:\n  max_request_bytes: 0\n") ==
        "t.yml:2:22: limits.max_request_bytes: must be greater than 0");
  CHECK(only_error("limits:\n  header_timeout: 0s\n") ==
        "t.yml:2:19: limits.header_timeout: must be at least 1ms, got 0s");
}

TEST_CASE("poll intervals below 1s are refused") {
  CHECK(only_error("poll_interval: 999ms\n") ==
        "t.yml:1:16: poll_interval: must be at least 1s, got 999ms");
  CHECK(only_error("local:\n  poll_interval: 100ms\n") ==
        "t.yml:2:18: local.poll_interval: must be at least 1s, got 100ms");
  CHECK(errors_of("poll_interval: 1s\n").empty());
}

TEST_CASE("scalar value rules") {
  CHECK(only_error("listen_address: 9923\n")
            .starts_with("t.yml:1:17: listen_address: invalid address \"9923\"; expected "
                         "HOST:PORT"));
  for (std::string_view bad : {"a:b:1", "h:70000", "h:", "[::1:1", "h:x"}) {
    CAPTURE(bad);
    CHECK(contains(only_error("listen_address: '" + std::string(bad) + "'\n"), "invalid address"));
  }
  for (std::string_view good : {":9923", "[::]:9923", "localhost:0", "127.0.0.1:65535"}) {
    CAPTURE(good);
    CHECK(errors_of("listen_address: '" + std::string(good) + "'\n").empty());
  }
  CHECK(only_error("log_level: trace\n") ==
        "t.yml:1:12: log_level: invalid log level \"trace\"; expected one of debug, info, warn, "
        "error");
  CHECK(only_error("shard: 4/4\n")
            .starts_with("t.yml:1:8: shard: invalid shard \"4/4\"; expected I/N with 0 <= I < N"));
  CHECK(only_error("local:\n  path: relative/dir\n") ==
        "t.yml:2:9: local.path: must be an absolute path");
  CHECK(only_error("local:\n  host_label: 'a b'\n")
            .starts_with("t.yml:2:15: local.host_label: must match [A-Za-z0-9_.-]{1,64}"));
  CHECK(only_error("api: {}\n") ==
        "t.yml:1:6: api: missing the token: give one of bearer_token_file, bearer_token_env or "
        "bearer_token_credential");
}

TEST_CASE("host names: required, pattern, unique") {
  CHECK(only_error("hosts:\n  - url: https://h\n    token_env: T\n") ==
        "t.yml:2:5: hosts[0]: missing required key name");
  CHECK(only_error("hosts:\n  - name: 'bad name'\n    url: https://h\n    token_env: T\n") ==
        "t.yml:2:11: hosts[0].name: invalid host name \"bad name\"; names must match "
        "[A-Za-z0-9_.-]{1,64} (they become label values)");
  CHECK(contains(only_error("hosts:\n  - name: " + std::string(65, 'a') +
                            "\n    url: https://h\n    token_env: T\n"),
                 "invalid host name"));
  CHECK(errors_of("hosts:\n  - name: " + std::string(64, 'a') +
                  "\n    url: https://h\n    token_env: T\n")
            .empty());
  CHECK(only_error("hosts:\n  - name: ''\n    url: https://h\n    token_env: T\n") ==
        "t.yml:2:11: hosts[0].name: must not be empty");
  CHECK(only_error("hosts:\n"
                   "  - {name: a, url: 'https://a', token_env: T}\n"
                   "  - {name: b, url: 'https://b', token_env: T}\n"
                   "  - {name: a, url: 'https://c', token_env: T}\n") ==
        "t.yml:4:12: hosts[2].name: duplicate host name \"a\"");
  CHECK(only_error("local: {enabled: true, host_label: a}\n"
                   "hosts:\n  - {name: a, url: 'https://a', token_env: T}\n")
            .starts_with("t.yml:1:36: local.host_label: \"a\" is also the name of a remote host"));
}

TEST_CASE("host urls") {
  CHECK(only_error("hosts:\n  - name: h\n    token_env: T\n") ==
        "t.yml:2:5: hosts[0]: missing required key url");
  CHECK(only_error("hosts:\n  - name: h\n    url: http://h\n    token_env: T\n") ==
        "t.yml:3:10: hosts[0].url: invalid url \"http://h\": scheme must be https (WHM listens "
        "with TLS on port 2087); expected https://HOST[:PORT][/]");
  CHECK(contains(only_error("hosts:\n  - name: h\n    url: https://h/json-api/\n"
                            "    token_env: T\n"),
                 "t.yml:3:10: hosts[0].url: invalid url \"https://h/json-api/\": path is not "
                 "allowed"));
}

TEST_CASE("a token or a password pasted into the url is never echoed") {
  const std::string token = "U7HMR63FHY282DQZ4H5BIH16JLYSO01M";
  const std::vector<std::string> urls = {token, "https://root:" + token + "@whm1",
                                         "https://root:hunter2@whm1", "whm1/" + token,
                                         "https://whm1:2087/" + token};
  for (const std::string& url : urls) {
    CAPTURE(url);
    const std::string error =
        only_error("hosts:\n  - name: h\n    url: '" + url + "'\n    token_env: T\n");
    CHECK(contains(error, "hosts[0].url: invalid url"));
    CHECK_FALSE(contains(error, token.substr(0, 8)));
    CHECK_FALSE(contains(error, "hunter2"));
  }
  // A pasted token elsewhere is not echoed either (any quoted value).
  const std::string error = only_error("poll_interval: " + token + "\n");
  CHECK(
      contains(error, "poll_interval: invalid duration (value not shown: it looks like a token)"));
}

TEST_CASE("host token sources: exactly one, valid names") {
  CHECK(only_error("hosts:\n  - name: h\n    url: https://h\n") ==
        "t.yml:2:5: hosts[0]: missing the token: give one of token_file, token_env or "
        "token_credential");
  CHECK(only_error(std::string(kHostHead) + "    token_file: /t\n    token_credential: c\n") ==
        "t.yml:5:5: hosts[0].token_credential: give exactly one of token_file, token_env or "
        "token_credential; token_file is already set");
  CHECK(only_error(std::string(kHostHead) + "    token_env: 9LIVES\n")
            .starts_with("t.yml:4:16: hosts[0].token_env: not a valid environment variable name"));
  CHECK(only_error(std::string(kHostHead) + "    token_credential: ../etc/shadow\n")
            .starts_with("t.yml:4:23: hosts[0].token_credential: not a valid credential name"));
  CHECK(only_error(std::string(kHostHead) + "    token_file: ''\n") ==
        "t.yml:4:17: hosts[0].token_file: must not be empty");
  CHECK(only_error(std::string(kHostHead) + "    user: 'root:x'\n    token_env: T\n")
            .starts_with("t.yml:4:11: hosts[0].user: invalid user \"root:x\""));
}

TEST_CASE("session ids: pattern with the reason, no duplicates, bounded count") {
  const std::string head = std::string(kHostHead) + "    token_env: T\n    sessions:\n";
  CHECK(only_error(head + "      - ok_1\n      - ../../etc\n") ==
        "t.yml:7:9: hosts[0].sessions[1]: invalid session id \"../../etc\"; ids must match "
        "[0-9A-Za-z_]{1,64} because they go into URLs and file paths");
  CHECK(
      contains(only_error(head + "      - " + std::string(65, 'a') + "\n"), "invalid session id"));
  CHECK(contains(only_error(head + "      - ''\n"), "invalid session id \"\""));
  CHECK(only_error(head + "      - abc\n      - abc\n") ==
        "t.yml:7:9: hosts[0].sessions[1]: duplicate session id \"abc\"");
  CHECK(only_error("limits: {max_sessions_per_host: 1}\n" + head + "      - a\n      - b\n") ==
        "t.yml:7:7: hosts[0].sessions: 2 sessions is more than limits.max_sessions_per_host (1)");
}

TEST_CASE("YAML syntax errors carry their line") {
  CHECK(only_error("a: [1, 2\nb: 3\n") ==
        "t.yml:2:2: YAML syntax error: end of sequence flow not found");
  CHECK(only_error("log_level: info\n  bad indent: x\n").starts_with("t.yml:2:"));
  CHECK(only_error("x: \"unterminated\n").starts_with("t.yml:"));
  CHECK(contains(only_error("a: *nope\n"), "YAML syntax error"));
}

TEST_CASE("document shape") {
  CHECK(only_error("- a\n") == "t.yml:1:1: the config must be a mapping of keys, got a sequence");
  CHECK(only_error("just text\n") ==
        "t.yml:1:1: the config must be a mapping of keys, got a scalar");
  CHECK(only_error("log_level: info\n---\nlog_level: warn\n") ==
        "t.yml:2:1: unexpected content after the document (only one YAML document is "
        "allowed)");
  CHECK(only_error("---\n---\n").starts_with("t.yml:2:1: unexpected content after"));
  CHECK(errors_of("---\nlog_level: info\n...\n").empty());
  CHECK(only_error("log_level: info\nlog_level: warn\n") ==
        "t.yml:2:1: log_level: duplicate key; each key may appear once");
}

TEST_CASE("all errors are collected, in document order") {
  const auto errors = errors_of(R"(poll_interval: 10
log_level: loud
limits:
  max_connections: many
hosts:
  - name: a
    url: http://a
    token_env: T
  - name: a
    url: https://b
    token_file: /t
    token_env: T
    sessions: [x-y]
)");
  const std::vector<std::string> keys_expected{
      "t.yml:1:16: poll_interval:",          "t.yml:2:12: log_level:",
      "t.yml:4:20: limits.max_connections:", "t.yml:7:10: hosts[0].url:",
      "t.yml:9:11: hosts[1].name:",          "t.yml:12:5: hosts[1].token_env:",
      "t.yml:13:16: hosts[1].sessions[0]:"};
  REQUIRE(errors.size() == keys_expected.size());
  for (std::size_t i = 0; i < errors.size(); ++i) {
    CAPTURE(errors[i]);
    CHECK(errors[i].starts_with(keys_expected[i]));
  }
}

TEST_CASE("regression: a stray ',' made yaml-cpp 0.7's LoadAll() loop forever") {
  // Found by fuzz/config_fuzzer.cpp: LoadAll() kept returning empty documents, allocating
  // until killed. A leading ',' also made Load() return an empty (all defaults) document.
  CHECK(only_error(",") == "t.yml:1:1: YAML syntax error: unexpected character");
  CHECK(only_error(",isen_address: 1.2.3.4:99\npoll_interval: 500ms\n") ==
        "t.yml:1:1: YAML syntax error: unexpected character");
  CHECK(only_error("a: 1\n,\n").starts_with("t.yml:2:1: YAML syntax error"));
  CHECK(only_error("- x\n,\n").starts_with("t.yml:2:1: "));
}

TEST_CASE("hostile documents produce errors, never crashes or hangs") {
  // yaml-cpp recurses per nesting level; it stops itself, and we report that.
  const std::string deep(100000, '[');
  CHECK(contains(only_error(deep), "nested too deeply"));
  std::string dashes;
  for (int i = 0; i < 5000; ++i) dashes += "- ";
  CHECK(contains(only_error(dashes), "nested too deeply"));
  std::string flow_maps;
  for (int i = 0; i < 5000; ++i) flow_maps += "{a: ";
  CHECK(contains(only_error(flow_maps), "nested too deeply"));
  // A cyclic alias graph: the walker never follows structure it does not expect.
  CHECK(only_error("hosts: &h [*h]\n") ==
        "t.yml:1:8: hosts[0]: expected a host mapping (name, url, token_file...), got a sequence");
  CHECK(errors_of("other: &a {x: *a}\n").size() == 1);
  // Aliases of valid values are fine.
  CHECK(errors_of("poll_interval: &p 20s\nlimits: {idle_timeout: *p}\n").empty());
  // Invalid UTF-8 and NULs in echoed values stay printable.
  const std::string e = only_error(std::string("log_level: \"\\xff\\0\"\n"));
  CHECK(contains(e, "invalid log level"));
  CHECK(only_error(std::string("\xff\xfe: 1\n")).size() < 1000);
  CHECK(only_error(std::string(10000, 'k') + ": 1\n").size() < 2000);
}
