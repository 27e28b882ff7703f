// One run of the real whm-sim process: it writes its ports file, serves a session state
// over TLS to a client trusting the CA it wrote, obeys the control API, and stops on
// SIGTERM. The client is curl; the token travels in a header file, never on a command line.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "whm-sim-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// The simulator process; killed and reaped whatever happens to the test.
class SimProcess {
 public:
  explicit SimProcess(const std::vector<std::string>& args, const fs::path& output) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
  }
  ~SimProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == 0) return true;
    pid_ = -1;
    return false;
  }
  // SIGTERM, then the exit status (-1 if it had to be killed).
  int terminate() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CurlResult {
  int exit_code;
  std::string output;
};

CurlResult curl(const std::string& args) {
  const std::string command = "curl -sS --max-time 5 " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (const std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("whm-sim serves a session state over TLS and obeys its control API") {
  const TempDir dir;
  const fs::path token = dir.path / "token", headers = dir.path / "headers";
  const fs::path ports = dir.path / "ports.json", ca = dir.path / "ca.pem";
  std::ofstream(token) << "s3cret-T0KEN\n";
  std::ofstream(headers) << "Authorization: whm root:s3cret-T0KEN\n";

  SimProcess sim({std::string(WTE_BINARY_DIR) + "/whm-sim", "--token-file", token.string(),
                  "--hosts", "2", "--accounts", "3", "--rate", "1000", "--style", "mixed",
                  "--ports-file", ports.string(), "--write-ca", ca.string()},
                 dir.path / "output.txt");
  for (int i = 0; i < 200 && !fs::exists(ports) && sim.running(); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  INFO(read_all(dir.path / "output.txt"));
  REQUIRE(fs::exists(ports));
  REQUIRE(fs::exists(ca));

  rapidjson::Document d;
  const std::string text = read_all(ports);
  d.Parse(text.c_str());
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d["hosts"].Size() == 2);
  const auto& host0 = d["hosts"][0];
  CHECK(host0["name"] == "sim0");
  const std::string id = host0["sessions"][0].GetString();
  CHECK(id.size() == 36);
  const std::string control = "http://127.0.0.1:" + std::to_string(d["control_port"].GetUint());
  const std::string url = "'https://127.0.0.1:" + std::to_string(host0["port"].GetUint()) +
                          "/json-api/get_transfer_session_state?api.version=1&"
                          "transfer_session_id=" +
                          id + "'";
  const std::string client = "--cacert " + ca.string() + " -H @" + headers.string() + " " + url;

  const auto ok = curl(client);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("{\"data\":{\"state_name\":\"") == 0);
  CHECK(ok.output.find("\"result\":1") != std::string::npos);
  const auto denied = curl("--cacert " + ca.string() + " -H 'Authorization: whm root:x' " + url);
  CHECK(denied.output.find("Access denied") != std::string::npos);

  CHECK(curl("-X POST -d '{\"host\":\"sim0\",\"fault\":\"wrong_cert\"}' " + control + "/faults")
            .output.find("\"ok\":true") != std::string::npos);
  CHECK(curl(client).exit_code == 60);  // the certificate names another host
  curl("-X POST -d '{\"host\":\"sim0\",\"fault\":\"refuse\"}' " + control + "/faults");
  CHECK(curl(client).exit_code == 7);  // nothing listens
  curl("-X DELETE " + control + "/faults");
  CHECK(curl(client).exit_code == 0);  // back, on the same port

  const auto state = curl(control + "/state");
  CHECK(state.output.find(id) != std::string::npos);
  CHECK(state.output.find("s3cret-T0KEN") == std::string::npos);
  CHECK(read_all(dir.path / "output.txt").find("s3cret-T0KEN") == std::string::npos);
  CHECK(sim.terminate() == 0);
}
