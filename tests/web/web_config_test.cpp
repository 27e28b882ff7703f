#include "web/web_config.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.hpp"
#include "test_bcrypt.hpp"

namespace wte::web {
namespace {

WebConfigResult parse(const std::string& yaml) {
  return parse_web_config(yaml, "web.yml", "/etc/wte");
}

bool has_error(const WebConfigResult& r, int line, const std::string& key,
               const std::string& words = "") {
  if (r.ok()) return false;
  for (const auto& e : r.error()) {
    if (e.line == line && e.key == key && e.message.find(words) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("an empty web config means plain HTTP without auth") {
  for (const char* text : {"", "---\n", "# only a comment\n"}) {
    const auto r = parse(text);
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().tls);
    CHECK(r.value().basic_auth_users.empty());
  }
}

TEST_CASE("a full web config") {
  const std::string hash = test::make_test_bcrypt("pw", "$2y$");
  const auto r = parse(
      "tls_server_config:\n"
      "  cert_file: tls/server.crt\n"
      "  key_file: /abs/server.key\n"
      "  client_ca_file: ca.pem\n"
      "  min_version: TLS13\n"
      "basic_auth_users:\n"
      "  prometheus: " +
      hash +
      "\n"
      "  'second': '" +
      hash + "'\n");
  REQUIRE(r.ok());
  const WebConfig& c = r.value();
  REQUIRE(c.tls);
  CHECK(c.tls->cert_file == "/etc/wte/tls/server.crt");
  CHECK(c.tls->key_file == "/abs/server.key");
  CHECK(c.tls->client_ca_file == "/etc/wte/ca.pem");
  CHECK(c.tls->client_auth == ClientAuth::require_and_verify);
  CHECK(c.tls->min_version == TlsVersion::tls13);
  REQUIRE(c.basic_auth_users.size() == 2);
  CHECK(c.basic_auth_users[0].name == "prometheus");
  CHECK(c.basic_auth_users[0].bcrypt_hash == hash);
}

// Regression: the web config had its own front end, whose errors had no column and no
// suggestion. It now goes through the main config's walker.
TEST_CASE("unknown keys are errors naming file, line, column and key, with a suggestion") {
  const auto r = parse(
      "tls_server_config:\n"
      "  cert_file: a\n"
      "  key_file: b\n"
      "  cipher_suites: [x]\n"
      "http_server_config: {}\n"
      "basic_auth_user: {}\n");
  REQUIRE_FALSE(r.ok());
  CHECK(has_error(r, 4, "tls_server_config.cipher_suites", "unknown key"));
  CHECK(has_error(r, 5, "http_server_config", "unknown key"));
  bool suggestion = false;
  for (const auto& e : r.error()) {
    if (e.to_string().starts_with("web.yml:6:1: basic_auth_user: unknown key (did you mean "
                                  "\"basic_auth_users\"?)")) {
      suggestion = true;
    }
  }
  CHECK(suggestion);
}

TEST_CASE("bad values are errors") {
  SUBCASE("missing files") {
    const auto r = parse("tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n");
    CHECK(has_error(r, 2, "tls_server_config", "cert_file is missing"));
    CHECK(has_error(r, 2, "tls_server_config", "key_file is missing"));
    CHECK(has_error(r, 2, "tls_server_config", "needs a client_ca_file"));
  }
  SUBCASE("old TLS versions and strange policies") {
    const auto r = parse(
        "tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS11\n"
        "  client_auth_type: RequestClientCert\n");
    CHECK(has_error(r, 4, "tls_server_config.min_version"));
    CHECK(has_error(r, 5, "tls_server_config.client_auth_type"));
  }
  SUBCASE("NoClientCert with a CA file") {
    const auto r = parse(
        "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n"
        "  client_auth_type: NoClientCert\n");
    CHECK(has_error(r, 5, "tls_server_config.client_auth_type", "contradicts"));
  }
  SUBCASE("users") {
    const std::string hash = test::make_test_bcrypt("pw");
    const auto r = parse(
        "basic_auth_users:\n"
        "  plain: password\n"
        "  'a:b': " +
        hash +
        "\n"
        "  nested: {x: 1}\n"
        "  dup: " +
        hash +
        "\n"
        "  dup: " +
        hash + "\n");
    REQUIRE_FALSE(r.ok());
    CHECK(has_error(r, 2, "basic_auth_users.plain", "not a bcrypt hash"));
    CHECK(has_error(r, 3, "basic_auth_users.a:b"));
    CHECK(has_error(r, 4, "basic_auth_users.nested"));
    CHECK(has_error(r, 6, "basic_auth_users.dup", "duplicate"));
    for (const auto& e : r.error()) CHECK(e.to_string().find("password") == std::string::npos);
  }
  SUBCASE("wrong shapes and broken YAML") {
    CHECK_FALSE(parse("- a list\n").ok());
    CHECK_FALSE(parse("basic_auth_users: [a]\n").ok());
    CHECK_FALSE(parse("tls_server_config: yes\n").ok());
    const auto broken = parse("basic_auth_users:\n  a: [unclosed\n");
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error()[0].message.find("YAML syntax error") != std::string::npos);
  }
}

TEST_CASE("load_web_config reads a file and resolves paths next to it") {
  const wte::test::TempDir temp;
  const std::filesystem::path& dir = temp.path();
  {
    std::ofstream(dir / "web.yml") << "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n";
  }
  const auto r = load_web_config(dir / "web.yml");
  REQUIRE(r.ok());
  CHECK(r.value().tls->cert_file == (dir / "c.pem").string());
  const auto missing = load_web_config(dir / "missing.yml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()[0].to_string().find("missing.yml") != std::string::npos);
}

TEST_CASE("looks_like_bcrypt") {
  CHECK(looks_like_bcrypt(test::make_test_bcrypt("x")));
  CHECK_FALSE(looks_like_bcrypt("$1$abc"));
  CHECK_FALSE(looks_like_bcrypt(""));
  std::string bad = test::make_test_bcrypt("x");
  bad[10] = '!';
  CHECK_FALSE(looks_like_bcrypt(bad));
}

}  // namespace wte::web
