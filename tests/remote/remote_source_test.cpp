// RemoteSource against an in-process TLS server (tests/whm's): what reaches the metrics.
#include "remote/remote_source.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <sstream>
#include <string>

#include "logging/logger.hpp"
#include "metrics/exporter_metrics.hpp"
#include "metrics/exposition.hpp"
#include "metrics/metrics_text.hpp"
#include "whm/test_certificates.hpp"
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
  const wte::whm::test::TestCertificates certs;
  wte::whm::test::TlsTestServer server(io, certs.localhost_cert(), certs.localhost_key(), answer);
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
  settings.endpoint.ca_file = certs.ca_file();
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
