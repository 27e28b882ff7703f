#pragma once
// The WHM API 1 requests the exporter makes, as pure functions: no I/O, so every byte that
// goes on the wire can be tested. Ids are checked here, before they reach a URL.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wte::whm {

using QueryParams = std::vector<std::pair<std::string_view, std::string_view>>;

// "/json-api/FUNCTION?api.version=1&k=v..." with keys and values percent-encoded.
// `function` must be [0-9A-Za-z_]+ (it is a path segment); otherwise nullopt.
std::optional<std::string> api_target(std::string_view function, const QueryParams& params);

// get_transfer_session_state; nullopt when the id is not a valid session id.
std::optional<std::string> state_request_target(std::string_view session_id);

// fetch_transfer_session_log; nullopt when the id or the log file name is not acceptable.
// Log file names are [0-9A-Za-z_.-], 1..128 characters, and never "." or "..".
std::optional<std::string> log_request_target(std::string_view session_id,
                                              std::string_view logfile = "master.log");

// The value of the Authorization header: "whm USER:TOKEN". It holds a root secret: the
// result only ever goes into the request header, never into a message.
std::string authorization_value(std::string_view user, std::string_view token);

}  // namespace wte::whm
