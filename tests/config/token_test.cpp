#include "config/token.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <type_traits>

#include "support/temp_dir.hpp"

using wte::config::load_token;
using wte::config::Secret;
using wte::config::TokenEnvironment;
using wte::config::TokenSource;
using Kind = wte::config::TokenSource::Kind;

namespace {

constexpr std::string_view kToken = "ABCDEFGHIJ0123456789KLMNOPQRSTUV";

TokenEnvironment fake_env(std::map<std::string, std::string> vars) {
  return TokenEnvironment([vars = std::move(vars)](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

// Loads and checks the error never carries the token (nor a recognisable piece of it).
wte::Result<Secret> load(const TokenSource& source, const TokenEnvironment& env,
                         bool allow_insecure = false) {
  wte::Result<Secret> result = load_token(source, env, allow_insecure);
  const std::string error = result.ok() ? "" : result.error().message;
  CHECK(result.ok() == error.empty());
  CHECK(error.find(kToken.substr(0, 8)) == std::string::npos);
  CHECK(error.find(kToken.substr(20)) == std::string::npos);
  return result;
}

template <typename T>
concept Streamable = requires(std::ostream& os, const T& t) {
  os << t;
};

}  // namespace

TEST_CASE("Secret never prints") {
  static_assert(!Streamable<Secret>);
  static_assert(!std::is_convertible_v<Secret, std::string>);
  Secret s{std::string(kToken)};
  CHECK(s.reveal() == kToken);
  CHECK(Secret::redacted() == "<redacted>");
  Secret moved(std::move(s));
  CHECK(moved.reveal() == kToken);
  CHECK(s.reveal().empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped
  Secret copy = moved;
  CHECK(copy.reveal() == kToken);
  copy = Secret("other");
  CHECK(copy.reveal() == "other");
  Secret longer{std::string(100, 'x')};
  longer = copy;  // copy-assign
  CHECK(longer.reveal() == "other");
}

TEST_CASE("file tokens: mode 600 is read and trailing whitespace stripped") {
  wte::test::TempDir dir;
  const auto env = fake_env({});
  const std::string path = dir.write("t", std::string(kToken) + " \r\n\n", 0600);
  auto r = load({Kind::file, path}, env);
  REQUIRE(r.ok());
  CHECK(r.value().reveal() == kToken);
  CHECK(load({Kind::file, dir.write("ro", kToken, 0400)}, env).ok());
}

TEST_CASE("file tokens: group/other access is refused with the mode and the fix") {
  wte::test::TempDir dir;
  const auto env = fake_env({});
  for (mode_t mode : {0644, 0640, 0604, 0620, 0602, 0660, 0666}) {
    CAPTURE(mode);
    const std::string path = dir.write("t", kToken, mode);
    auto r = load({Kind::file, path}, env);
    CHECK_FALSE(r.ok());
    char mode_text[8];
    std::snprintf(mode_text, sizeof mode_text, "%04o", static_cast<unsigned>(mode));
    CHECK(r.error().message.find("token file " + path + " has mode " + mode_text) == 0);
    CHECK(r.error().message.find("chmod 600 " + path) != std::string::npos);
    CHECK(r.error().message.find("allow_insecure_token_permissions") != std::string::npos);
    // Allowed when the operator says so (container secret mounts).
    auto allowed = load({Kind::file, path}, env, true);
    REQUIRE(allowed.ok());
    CHECK(allowed.value().reveal() == kToken);
  }
}

TEST_CASE("file tokens: empty, inner whitespace, missing, not a file, too large") {
  wte::test::TempDir dir;
  const auto env = fake_env({});
  auto r = load({Kind::file, dir.write("empty", "", 0600)}, env);
  CHECK(r.error().message == "token file " + (dir.path() / "empty").string() + " is empty");
  r = load({Kind::file, dir.write("blank", " \n\t\n", 0600)}, env);
  CHECK(r.error().message.ends_with(" is empty"));
  r = load({Kind::file, dir.write("two", std::string(kToken) + "\n" + std::string(kToken), 0600)},
           env);
  CHECK(r.error().message.find("whitespace or a control character at byte 33") !=
        std::string::npos);
  r = load({Kind::file, dir.write("lead", " " + std::string(kToken), 0600)}, env);
  CHECK(r.error().message.find("at byte 1;") != std::string::npos);

  const std::string missing = (dir.path() / "missing").string();
  r = load({Kind::file, missing}, env);
  CHECK(r.error().message == "cannot open token file " + missing + ": No such file or directory");
  r = load({Kind::file, dir.path().string()}, env);
  CHECK(r.error().message == "token file " + dir.path().string() + " is not a regular file");
  const std::string fifo = (dir.path() / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  r = load({Kind::file, fifo}, env);  // must not block waiting for a writer
  CHECK(r.error().message.ends_with("is not a regular file"));
  r = load({Kind::file, dir.write("big", std::string(100000, 'A'), 0600)}, env);
  CHECK(r.error().message.find("does not look like a token") != std::string::npos);
}

TEST_CASE("environment tokens") {
  const auto env =
      fake_env({{"WHM_TOKEN", std::string(kToken) + "\n"}, {"EMPTY", ""}, {"SPACED", "ABC DEF"}});
  auto r = load({Kind::env, "WHM_TOKEN"}, env);
  REQUIRE(r.ok());
  CHECK(r.value().reveal() == kToken);
  CHECK(load({Kind::env, "NOPE"}, env).error().message == "environment variable NOPE is not set");
  CHECK(load({Kind::env, "EMPTY"}, env).error().message == "environment variable EMPTY is empty");
  CHECK(load({Kind::env, "SPACED"}, env).error().message.find("at byte 4") != std::string::npos);
}

TEST_CASE("credential tokens come from $CREDENTIALS_DIRECTORY without a mode check") {
  wte::test::TempDir dir;
  dir.write("whm-1", std::string(kToken) + "\n", 0644);  // systemd's copy: mode irrelevant
  const auto env = fake_env({{"CREDENTIALS_DIRECTORY", dir.path().string()}});
  auto r = load({Kind::credential, "whm-1"}, env);
  REQUIRE(r.ok());
  CHECK(r.value().reveal() == kToken);
  CHECK(load({Kind::credential, "other"}, env).error().message ==
        "cannot open credential other: No such file or directory");
  CHECK(load({Kind::credential, "../x"}, env).error().message ==
        "credential ../x is not a valid credential name");
  const auto no_dir = fake_env({});
  CHECK(load({Kind::credential, "whm-1"}, no_dir)
            .error()
            .message.find("credential whm-1 needs $CREDENTIALS_DIRECTORY") == 0);
}

TEST_CASE("the process environment is the default") {
  const auto env = TokenEnvironment::process();
  CHECK(env.get("WTE_CONFIG_TEST_SURELY_UNSET_VARIABLE") == std::nullopt);
  CHECK(env.get("PATH").has_value());
}

TEST_CASE("a token source from the config: errors start with file:line:col and key") {
  wte::test::TempDir dir;
  const auto env = fake_env({});
  const std::string missing = (dir.path() / "missing").string();
  TokenSource source{Kind::file, missing, {"tok.yml", 7, 17, "hosts[1].token_file"}};
  auto r = load(source, env);
  CHECK(r.error().message == "tok.yml:7:17: hosts[1].token_file: cannot open token file " +
                                 missing + ": No such file or directory");
  source = TokenSource{Kind::env, "WTE_NOT_SET", {"tok.yml", 2, 20, "api.bearer_token_env"}};
  CHECK(load(source, env).error().message ==
        "tok.yml:2:20: api.bearer_token_env: environment variable WTE_NOT_SET is not set");
  // Where it was written does not make it another secret.
  CHECK(source == TokenSource{Kind::env, "WTE_NOT_SET"});
}

TEST_CASE("secret files: spaces kept, the trailing line break dropped, the mode checked") {
  wte::test::TempDir dir;
  auto r = wte::config::load_secret_file(dir.write("auth", "user:correct horse \r\n", 0600), false);
  REQUIRE(r.ok());
  CHECK(r.value().reveal() == "user:correct horse ");
  const std::string loose = dir.write("loose", "user:pw\n", 0644);
  r = wte::config::load_secret_file(loose, false);
  CHECK(r.error().message.find("file " + loose + " has mode 0644") == 0);
  CHECK(wte::config::load_secret_file(loose, true).ok());
  r = wte::config::load_secret_file((dir.path() / "none").string(), false);
  CHECK(r.error().message.find("cannot open file ") == 0);
}

TEST_CASE("a token pasted where its file, variable or credential belongs is never echoed") {
  using wte::config::describe;
  using wte::config::looks_like_secret;
  CHECK(looks_like_secret(kToken));
  CHECK(looks_like_secret("/etc/x/" + std::string(kToken)));
  CHECK(looks_like_secret("U7HMR63FHY282DQZ4H5BIH16JLYSO01M"));
  CHECK_FALSE(looks_like_secret("/etc/whm_transfer_exporter/whm1.token"));
  CHECK_FALSE(looks_like_secret("WHM_TOKEN_HOST1"));
  CHECK_FALSE(looks_like_secret("/run/credentials/whm_transfer_exporter.service/whm1"));
  CHECK_FALSE(looks_like_secret("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));  // no digit: a word
  CHECK_FALSE(looks_like_secret("12345678901234567890"));        // no letter: a number

  CHECK(describe({Kind::file, "/etc/x/whm1.token"}) == "token file /etc/x/whm1.token");
  CHECK(describe({Kind::env, "WHM_TOKEN"}) == "environment variable WHM_TOKEN");
  const std::string token(kToken);
  const auto env = fake_env({{"CREDENTIALS_DIRECTORY", "/nonexistent"}});
  for (const TokenSource& pasted :
       {TokenSource{Kind::file, token}, TokenSource{Kind::file, "/etc/" + token},
        TokenSource{Kind::env, token}, TokenSource{Kind::credential, token}}) {
    const std::string text = describe(pasted);
    CHECK(text.find(kToken.substr(0, 8)) == std::string::npos);
    CHECK(text.find("not shown") != std::string::npos);
    (void)load(pasted, env);  // checks its error for the token
    (void)load(pasted, fake_env({}));
  }
  // A bare word with no slash or dot is no path either: not shown.
  CHECK(describe({Kind::file, "hunter2"}).find("hunter2") == std::string::npos);
}
