#pragma once
// A small blocking HTTP(S) client for the command-line tools (`sessions`, `healthcheck`)
// that talk to a running exporter. Not used by the daemon itself.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error/result.hpp"

namespace wte::exporter {

struct FetchRequest {
  std::string method = "GET";
  std::string url;  // http://HOST:PORT/path or https://...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> ca_file;       // https: trust this CA (else the system store)
  bool insecure = false;                    // https: skip verification (only when asked)
  std::chrono::milliseconds timeout{5000};  // for the whole exchange
};

struct FetchResponse {
  unsigned status = 0;
  std::string body;
};

// The response, whatever its status. The error, when no response was received, says what
// failed and why, for a person ("cannot connect to 127.0.0.1:9923: Connection refused"),
// never a source path or an error category.
Result<FetchResponse> http_fetch(const FetchRequest& request);

// The value of an `Authorization` header for HTTP basic auth: "Basic base64(user:password)".
std::string basic_authorization(std::string_view user, std::string_view password);

}  // namespace wte::exporter
