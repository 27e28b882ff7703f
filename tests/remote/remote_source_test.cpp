// RemoteSource against an in-process TLS server (tests/whm's): what reaches the metrics.
#include "remote/remote_source.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <sstream>
#include <string>

#include "log/summary_json.hpp"
#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"
#include "metrics/exposition.hpp"
#include "metrics/metrics_text.hpp"
#include "support/test_pki.hpp"
#include "whm/tls_test_server.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using wte::whm::test::Reply;
using wte::whm::test::SeenRequest;

namespace {

constexpr const char* kSession = "vm5docscpanelcopya20140224163412sylG";

Reply answer(const SeenRequest& seen) {
  if (seen.target.find("get_transfer_session_state") != std::string::npos) {
    return {200, "application/json",
            R"({"data":{"state_name":"RUNNING"},"metadata":{"result":1,"version":1}})"};
  }
  return {200, "application/json", R"({"data":{"log":""},"metadata":{"result":1,"version":1}})"};
}

std::string series(const wte::metrics::ExporterMetrics& m, const std::string& name) {
  const auto e = wte::test::parse_exposition(wte::metrics::render_metrics_text({&m}));
  const auto it = e.find(name);
  return it == e.end() ? "missing" : it->second;
}

}  // namespace

TEST_CASE("keep-alive: two poll rounds to one host cost one TLS handshake") {
  asio::io_context io;
  wte::test::TestPki pki;
  const wte::test::CertFiles cert = pki.issue("localhost");
  wte::whm::test::TlsTestServer server(io, cert.cert, cert.key, answer);
  wte::metrics::ExporterMetrics metrics("v", "r");
  std::ostringstream log_text;
  wte::logging::Logger logger(log_text, wte::logging::Level::error);
  wte::remote::RequestLimiter limiter(io.get_executor(), 8);
  const wte::sources::SystemClock clock;
  wte::whm::TlsContextCache tls_contexts;

  wte::remote::RemoteSettings settings;
  settings.endpoint.name = "h1";
  settings.endpoint.host = "localhost";
  settings.endpoint.port = server.port();
  settings.endpoint.token = "TOKEN7Q2XSECRETSECRET";
  settings.endpoint.ca_file = pki.ca_file();
  settings.endpoint.timeout = 3000ms;
  settings.interval = 20ms;
  settings.sessions = {kSession};
  auto poller = std::make_shared<wte::remote::RemoteSource>(
      wte::sources::SourceContext{io, metrics, logger, clock}, settings, limiter, tls_contexts);
  poller->start();

  const std::string rounds = R"(whm_transfer_host_poll_duration_seconds_count{host="h1"})";
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (series(metrics, rounds) != "2" && std::chrono::steady_clock::now() < end) {
    io.run_one_for(50ms);
  }
  poller->stop();
  REQUIRE(series(metrics, rounds) == "2");
  bool up = false;
  poller->for_each_host([&](const wte::sources::HostView& v) { up = v.up; });
  CHECK(up);
  CHECK(server.requests().size() == 4);  // state and log, twice
  CHECK(server.connections_accepted() == 1);
  CHECK(series(metrics, R"(whm_transfer_host_tls_handshakes_total{host="h1"})") == "1");
}

namespace {

// A WHM server for one session whose log grows by one line per `.master.log` request (or
// per master.log answer on an older server), in one of the three ways servers behave
// (docs/LOG-FORMAT.md, section 2).
enum class ServerKind { current, no_dotted, old };

struct FakeWhm {
  FakeWhm(ServerKind k, std::vector<std::string> l) : kind(k), lines(std::move(l)) {}
  ServerKind kind;
  std::vector<std::string> lines;
  std::size_t served = 1;  // lines written so far
  bool ended = false;
  std::chrono::milliseconds hold{0};  // how long master.log is held for a running session
  // A held master.log request is answered when the session ends: at this moment.
  std::optional<std::chrono::steady_clock::time_point> end_at;
  std::vector<std::string> targets;  // every request, in order

  bool is_ended() const { return ended || (end_at && std::chrono::steady_clock::now() >= *end_at); }

  std::string log_so_far() const {
    std::string out;
    for (std::size_t i = 0; i < served && i < lines.size(); ++i) out += lines[i];
    return out;
  }
  static std::string log_answer(const std::string& log) {
    std::string escaped;
    for (char c : log) {
      if (c == '"' || c == '\\') escaped += '\\';
      if (c == '\n') {
        escaped += "\\n";
        continue;
      }
      escaped += c;
    }
    return R"({"data":{"log":")" + escaped + R"("},"metadata":{"result":1,"version":1}})";
  }
  static Reply refused(const std::string& why) {
    return {200, "application/json",
            R"({"data":{},"metadata":{"result":0,"reason":")" + why + R"(","version":1}})"};
  }

  Reply answer(const SeenRequest& seen) {
    targets.push_back(seen.target);
    if (seen.target.find("get_transfer_session_state") != std::string::npos) {
      const char* state = is_ended() ? "COMPLETED" : "RUNNING";
      return {200, "application/json",
              std::string(R"({"data":{"state_name":")") + state +
                  R"("},"metadata":{"result":1,"version":1}})"};
    }
    const bool dotted = seen.target.find("logfile=.master.log") != std::string::npos;
    if (dotted) {
      if (kind != ServerKind::current || is_ended()) {
        return refused("The system failed to locate it.");
      }
      ++served;
      return {200, "application/json", log_answer(log_so_far())};
    }
    if (is_ended()) return {200, "application/json", log_answer(log_so_far())};
    if (kind == ServerKind::old) {
      ++served;
      return {200, "application/json", log_answer(log_so_far())};
    }
    // Held until the end, which comes when the reply is sent, with the whole log.
    served = lines.size();
    end_at = std::chrono::steady_clock::now() + hold;
    Reply r{200, "application/json", log_answer(log_so_far())};
    r.delay = hold;
    return r;
  }

  std::size_t count(std::string_view what) const {
    std::size_t n = 0;
    for (const auto& t : targets) n += t.find(what) != std::string::npos;
    return n;
  }
};

std::vector<std::string> session_lines(std::size_t items) {
  std::vector<std::string> out{R"({"contents":{"action":"start"}})"
                               "\n"};
  for (std::size_t i = 0; i < items; ++i) {
    const std::string item = "u" + std::to_string(i);
    out.push_back(R"({"contents":{"action":"start-item","queue":"RESTORE","item":")" + item +
                  R"("}})"
                  "\n");
    out.push_back(R"({"contents":{"action":"success-item","queue":"RESTORE","item":")" + item +
                  R"(","msg":{"size":10}}})"
                  "\n");
  }
  out.push_back(R"({"contents":{"action":"complete"}})");  // no newline: as cPanel may end
  return out;
}

std::string summary_of(const std::string& log) {
  wte::log::MasterLog m;
  m.feed(log);
  m.finish();
  return wte::log::summary_json(m.model(), {.overview = false});
}

struct Observed {
  std::optional<std::string> state;
  std::string unknown_reason;
  bool waiting = false;
  bool finished = false;
  std::string summary;
  std::uint64_t lines = 0;
};

struct RemoteHarness {
  explicit RemoteHarness(wte::whm::test::TlsTestServer::Handler handler,
                         std::chrono::milliseconds timeout = 1000ms, std::string port_override = {})
      : server(io, localhost_cert.cert, localhost_cert.key, std::move(handler)) {
    wte::remote::RemoteSettings settings;
    settings.endpoint.name = "h1";
    settings.endpoint.host = "localhost";
    settings.endpoint.port = port_override.empty() ? server.port() : port_override;
    settings.endpoint.token = "TOKEN7Q2XSECRETSECRET";
    settings.endpoint.ca_file = pki.ca_file();
    settings.endpoint.timeout = timeout;
    settings.log_wait_timeout = 60s;
    settings.interval = 30ms;
    settings.sessions = {kSession};
    source = std::make_shared<wte::remote::RemoteSource>(
        wte::sources::SourceContext{io, metrics, logger, clock}, settings, limiter, tls_contexts);
  }
  ~RemoteHarness() {
    source->stop();
    io.run_for(100ms);
  }
  Observed session() const {
    Observed o;
    source->for_each_session([&](const wte::sources::SessionView& v) {
      if (auto s = v.state()) o.state = std::string(*s);
      o.unknown_reason = std::string(v.unknown_reason);
      o.waiting = v.waiting_for_end;
      o.finished = v.finished;
      o.summary = wte::log::summary_json(v.model, {.overview = false});
      o.lines = v.model.info().lines;
    });
    return o;
  }
  wte::sources::HostView host() const {
    wte::sources::HostView out;
    source->for_each_host([&](const wte::sources::HostView& v) { out = v; });
    return out;
  }
  std::string access() const { return std::string(host().log_access); }
  double errors() const {
    double total = 0;
    for (const auto& [k, v] :
         wte::test::parse_exposition(wte::metrics::render_metrics_text({&metrics}))) {
      if (k.rfind("whm_transfer_host_errors_total", 0) == 0) total += std::stod(v);
    }
    return total;
  }
  template <class Pred>
  bool run_until(Pred done, std::chrono::seconds limit = 20s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < end) io.run_one_for(20ms);
    return done();
  }

  asio::io_context io;
  wte::test::TestPki pki;
  const wte::test::CertFiles localhost_cert = pki.issue("localhost");
  wte::whm::test::TlsTestServer server;
  wte::metrics::ExporterMetrics metrics{"v", "r"};
  std::ostringstream log_text;
  wte::logging::Logger logger{log_text, wte::logging::Level::error};
  wte::remote::RequestLimiter limiter{io.get_executor(), 8};
  wte::whm::TlsContextCache tls_contexts;
  const wte::sources::SystemClock clock;
  std::shared_ptr<wte::remote::RemoteSource> source;
};

}  // namespace

TEST_CASE("current cPanel: the running log is read at once through .master.log") {
  FakeWhm whm{ServerKind::current, session_lines(6)};
  RemoteHarness h([&](const SeenRequest& r) { return whm.answer(r); });
  h.source->start();
  // While it runs, the counts follow the log written so far, and master.log is never asked.
  REQUIRE(h.run_until([&] { return whm.served >= 5; }));
  REQUIRE(h.run_until([&] { return h.session().lines >= 3; }));
  CHECK(h.session().state == "RUNNING");
  CHECK(whm.count("logfile=master.log") == 0);
  CHECK(h.access() == "active_log");
  whm.served = whm.lines.size();
  whm.ended = true;
  REQUIRE(h.run_until([&] { return h.session().finished; }));
  const std::string full = whm.log_so_far();
  CHECK(h.session().summary == summary_of(full));  // the last line had no newline
  CHECK(h.session().state == "COMPLETED");
  CHECK(h.errors() == 0);
  CHECK(h.host().up);
}

TEST_CASE(
    "a server that refuses the dotted name: one held master.log, no error, counts at the end") {
  FakeWhm whm{ServerKind::no_dotted, session_lines(4)};
  whm.hold = 4000ms;
  RemoteHarness h([&](const SeenRequest& r) { return whm.answer(r); }, 300ms);
  h.source->start();
  REQUIRE(h.run_until([&] { return h.session().waiting; }));
  // Polls of the state go on while the request is held, which is never sent again.
  REQUIRE(h.run_until([&] { return h.access() == "waits_for_end"; }));
  const auto polls_before = whm.count("get_transfer_session_state");
  REQUIRE(h.run_until([&] { return whm.count("get_transfer_session_state") >= polls_before + 4; }));
  if (!whm.is_ended()) {  // (on a very slow machine the end may already have come)
    CHECK(h.session().waiting);
    CHECK(h.session().state == "RUNNING");
    CHECK(h.session().lines == 0);  // nothing to show until the end
  }
  CHECK(whm.count("logfile=master.log") == 1);
  CHECK(h.host().up);
  CHECK(h.errors() == 0);
  // The end: the held request is answered with the whole log.
  REQUIRE(h.run_until([&] { return h.session().finished; }));
  CHECK(whm.count("logfile=master.log") <= 2);  // the held one, and maybe one final read
  CHECK(h.session().summary == summary_of(whm.log_so_far()));
  CHECK_FALSE(h.session().waiting);
  CHECK(h.errors() == 0);
  CHECK(h.host().up);
}

TEST_CASE("an older server: master.log answers at once while the session runs") {
  FakeWhm whm{ServerKind::old, session_lines(6)};
  RemoteHarness h([&](const SeenRequest& r) { return whm.answer(r); });
  h.source->start();
  REQUIRE(h.run_until([&] { return h.access() == "master_log_at_once"; }));
  REQUIRE(h.run_until([&] { return h.session().lines >= 4; }));
  CHECK(h.session().state == "RUNNING");
  CHECK(h.errors() == 0);
  whm.served = whm.lines.size();
  whm.ended = true;
  REQUIRE(h.run_until([&] { return h.session().finished; }));
  CHECK(h.session().summary == summary_of(whm.log_so_far()));
}

TEST_CASE("unknown is not PENDING: before the first poll, and on a host never reached") {
  // A port where nothing listens: every connection is refused.
  std::string closed_port;
  {
    asio::io_context tmp;
    asio::ip::tcp::acceptor a(tmp, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = std::to_string(a.local_endpoint().port());
  }
  RemoteHarness h([](const SeenRequest&) { return Reply{}; }, 1000ms, closed_port);
  CHECK_FALSE(h.host().polled);
  CHECK_FALSE(h.session().state);
  CHECK(h.session().unknown_reason == "not polled yet");
  h.source->start();
  REQUIRE(h.run_until([&] { return h.host().polled; }));
  CHECK_FALSE(h.host().up);
  CHECK_FALSE(h.session().state);
  CAPTURE(h.session().unknown_reason);
  CHECK(h.session().unknown_reason.find("connect: ") == 0);
}

// Regression: once a host's sessions had all finished it was no longer polled, so a token
// revoked there never showed.
TEST_CASE("a host with only finished sessions is still checked now and then") {
  bool revoked = false;
  std::size_t probes = 0;
  const std::string log = R"({"contents":{"action":"start"}})"
                          "\n"
                          R"({"contents":{"action":"complete"}})"
                          "\n";
  RemoteHarness h([&](const SeenRequest& r) -> Reply {
    if (revoked) return {403, "application/json", R"({"cpanelresult":{"error":"Access denied"}})"};
    if (r.target.find("get_transfer_session_state") != std::string::npos) {
      if (r.target.find("whmtransferexporteraccesscheck") != std::string::npos) ++probes;
      return {200, "application/json",
              R"({"data":{"state_name":"COMPLETED"},"metadata":{"result":1,"version":1}})"};
    }
    return {200, "application/json", FakeWhm::log_answer(log)};
  });
  wte::remote::RemoteSettings settings;
  h.source->update_settings([&] {
    wte::remote::RemoteSettings s;
    s.endpoint.name = "h1";
    s.endpoint.host = "localhost";
    s.endpoint.port = h.server.port();
    s.endpoint.token = "TOKEN7Q2XSECRETSECRET";
    s.endpoint.ca_file = h.pki.ca_file();
    s.endpoint.timeout = 1000ms;
    s.interval = 30ms;
    s.idle_check_interval = 200ms;
    s.sessions = {kSession};
    return s;
  }());
  h.source->start();
  REQUIRE(h.run_until([&] { return h.session().finished; }));
  REQUIRE(h.run_until([&] { return h.host().up; }));
  revoked = true;
  REQUIRE(h.run_until([&] { return h.host().polled && !h.host().up; }));
  CHECK(h.host().last_error_reason == "auth");
  revoked = false;
  REQUIRE(h.run_until([&] { return h.host().up; }));
  CHECK(probes == 0);  // it asked about its own session, not the probe id
}
