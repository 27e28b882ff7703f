#pragma once
// A small blocking HTTP(S) client for the command-line tools (`sessions`, `healthcheck`)
// that talk to a running exporter. Not used by the daemon itself.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wte::exporter {

struct FetchRequest {
  std::string method = "GET";
  std::string url;  // http://HOST:PORT/path or https://...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> ca_file;  // https: trust this CA (else the system store)
  bool insecure = false;               // https: skip verification
  std::chrono::milliseconds timeout{5000};
};

struct FetchResponse {
  unsigned status = 0;
  std::string body;
  std::string error;  // set when no response was received
};

FetchResponse http_fetch(const FetchRequest& request);

}  // namespace wte::exporter
