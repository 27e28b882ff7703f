#pragma once
// One WHM server as the client sees it: where it is, how to trust it, and the limits that keep
// a slow or hostile server from stalling or exhausting the exporter.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace wte::whm {

struct Endpoint {
  std::string name;  // the configured name, for messages and labels
  std::string host;  // DNS name or IP address; also the TLS server name checked
  std::string port = "2087";
  std::string user = "root";
  std::string token;                   // secret: never logged, never put into an error or a metric
  std::optional<std::string> ca_file;  // PEM; when set, the only CA trusted for this host
  bool tls_insecure_skip_verify = false;     // loud opt-out: no certificate check at all
  std::chrono::milliseconds timeout{10000};  // one deadline per request, queueing included
  std::size_t max_response_bytes = 256u << 20;
  std::size_t max_connections = 4;
  // A request finding every connection busy waits this long for one to free up before
  // another is opened (0: at once). Each TLS connection holds about 85 KB, so thousands of
  // hosts with a few sessions each are polled over one connection apiece, while a slow
  // answer still gets company.
  std::chrono::milliseconds extra_connection_after{1000};
};

}  // namespace wte::whm
