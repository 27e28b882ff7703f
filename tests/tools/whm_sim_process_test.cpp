// Runs of the real whm-sim process: it writes its ports file, serves a session state over
// TLS to a client trusting the CA it wrote, obeys the control API, holds master.log of a
// running session until it ends (counting the held requests), and stops on SIGTERM. The
// client is curl; the token travels in a header file, never on a command line.
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
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using wte::test::TempDir;

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

// No doctest assertion: may run on another thread.
CurlResult run_curl(const std::string& args, int max_seconds) {
  const std::string command =
      "curl -sS --max-time " + std::to_string(max_seconds) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, {}};
  std::string out;
  char buf[4096];
  while (const std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

CurlResult curl(const std::string& args, int max_seconds = 5) {
  CurlResult r = run_curl(args, max_seconds);
  REQUIRE(r.exit_code != -1);
  return r;
}

// A started simulator: its ports file read, the URLs to reach it.
struct RunningSim {
  TempDir dir;
  fs::path token = dir.path() / "token", headers = dir.path() / "headers";
  fs::path ports = dir.path() / "ports.json", ca = dir.path() / "ca.pem";
  rapidjson::Document info;
  std::optional<SimProcess> process;

  explicit RunningSim(std::vector<std::string> args) {
    std::ofstream(token) << "s3cret-T0KEN\n";
    std::ofstream(headers) << "Authorization: whm root:s3cret-T0KEN\n";
    args.insert(args.begin(),
                {std::string(WTE_BINARY_DIR) + "/whm-sim", "--token-file", token.string(),
                 "--ports-file", ports.string(), "--write-ca", ca.string()});
    process.emplace(args, dir.path() / "output.txt");
    for (int i = 0; i < 200 && !fs::exists(ports) && process->running(); ++i) {
      std::this_thread::sleep_for(50ms);
    }
    INFO(read_all(dir.path() / "output.txt"));
    REQUIRE(fs::exists(ports));
    const std::string text = read_all(ports);
    info.Parse(text.c_str());
    REQUIRE_FALSE(info.HasParseError());
  }
  std::string control() const {
    return "http://127.0.0.1:" + std::to_string(info["control_port"].GetUint());
  }
  std::string session(std::size_t host = 0) const {
    return info["hosts"][static_cast<rapidjson::SizeType>(host)]["sessions"][0].GetString();
  }
  // curl's arguments to call `call` of the first session of `host`.
  std::string api(std::string_view query, std::size_t host = 0) const {
    const auto port = info["hosts"][static_cast<rapidjson::SizeType>(host)]["port"].GetUint();
    return "--cacert " + ca.string() + " -H @" + headers.string() +
           " 'https://127.0.0.1:" + std::to_string(port) + "/json-api/" + std::string(query) +
           "&transfer_session_id=" + session(host) + "'";
  }
};

}  // namespace

TEST_CASE("whm-sim serves a session state over TLS and obeys its control API") {
  const TempDir dir;
  const fs::path token = dir.path() / "token", headers = dir.path() / "headers";
  const fs::path ports = dir.path() / "ports.json", ca = dir.path() / "ca.pem";
  std::ofstream(token) << "s3cret-T0KEN\n";
  std::ofstream(headers) << "Authorization: whm root:s3cret-T0KEN\n";

  SimProcess sim({std::string(WTE_BINARY_DIR) + "/whm-sim", "--token-file", token.string(),
                  "--hosts", "2", "--accounts", "3", "--rate", "1000", "--style", "mixed",
                  "--ports-file", ports.string(), "--write-ca", ca.string()},
                 dir.path() / "output.txt");
  for (int i = 0; i < 200 && !fs::exists(ports) && sim.running(); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  INFO(read_all(dir.path() / "output.txt"));
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
  CHECK(read_all(dir.path() / "output.txt").find("s3cret-T0KEN") == std::string::npos);
  CHECK(sim.terminate() == 0);
}

namespace {

// The first session's numbers in GET /state.
struct SessionState {
  std::uint64_t held = 0, connected = 0, max = 0;
  bool ended = false;
};

SessionState session_state(const RunningSim& sim) {
  const auto r = curl(sim.control() + "/state");
  rapidjson::Document d;
  d.Parse(r.output.c_str());
  SessionState s;
  if (d.HasParseError()) return s;
  const auto& j = d["hosts"][0]["sessions"][0];
  s.held = j["held_log_requests"].GetUint64();
  s.connected = j["held_log_requests_connected"].GetUint64();
  s.max = j["max_held_log_requests"].GetUint64();
  s.ended = j["log_ended"].GetBool();
  return s;
}

// Waits (generously: the machine may be loaded) until the state satisfies `want`.
template <class Want>
SessionState wait_for_state(const RunningSim& sim, Want want) {
  SessionState s = session_state(sim);
  for (int i = 0; i < 300 && !want(s); ++i) {
    std::this_thread::sleep_for(100ms);
    s = session_state(sim);
  }
  return s;
}

}  // namespace

TEST_CASE("whm-sim holds master.log of a running session until it ends, counting the held") {
  RunningSim sim({"--hosts", "1", "--accounts", "3", "--rate", "0.2"});  // runs for minutes
  const std::string master = "fetch_transfer_session_log?api.version=1&logfile=master.log";
  const std::string dotted = "fetch_transfer_session_log?api.version=1&logfile=.master.log";

  const auto active = curl(sim.api(dotted));  // at once
  CHECK(active.exit_code == 0);
  CHECK(active.output.find("\"result\":1") != std::string::npos);
  CHECK(curl(sim.api(master), 2).exit_code == 28);  // no answer: the client gives up
  // It is still held, by a client no longer there.
  SessionState s = wait_for_state(sim, [](const SessionState& x) { return x.connected == 0; });
  CHECK(s.held == 1);
  CHECK(s.connected == 0);
  CHECK(s.max == 1);

  CurlResult waiting{-1, {}};
  // Joined however the test goes.
  std::jthread client([&] { waiting = run_curl(sim.api(master), 120); });
  s = wait_for_state(sim, [](const SessionState& x) { return x.held == 2; });
  CHECK(s.held == 2);
  CHECK(s.connected == 1);
  CHECK(s.max == 2);
  CHECK(curl("-X POST " + sim.control() + "/sessions/advance").exit_code == 0);  // it ends
  client.join();
  CHECK(waiting.exit_code == 0);
  const auto whole = curl(sim.api(master));  // ended: at once
  CHECK(waiting.output == whole.output);
  CHECK(whole.output.find("\"result\":1") != std::string::npos);

  s = wait_for_state(sim, [](const SessionState& x) { return x.held == 0; });
  CHECK(s.held == 0);
  CHECK(s.connected == 0);
  CHECK(s.max == 2);
  CHECK(s.ended);
  CHECK(curl(sim.api(dotted)).output.find("The system failed to locate either the file") !=
        std::string::npos);
  curl("-X POST " + sim.control() + "/sessions/reset_max_held");
  CHECK(session_state(sim).max == 0);
  CHECK(sim.process->terminate() == 0);
}
