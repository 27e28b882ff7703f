#pragma once
// The session registration API, as plain functions of a request (no sockets):
//   POST   /api/v1/sessions            {"host": NAME, "session_id": ID}
//   DELETE /api/v1/sessions/HOST/ID
// Allowed only with the bearer token from the config, sent as `Authorization: Bearer T`
// or `X-Api-Token: T` (the latter when basic auth already uses the Authorization header).
#include <optional>
#include <string>
#include <string_view>

#include "error/result.hpp"
#include "sources/session_registry.hpp"
#include "web/http_types.hpp"

namespace wte::exporter {

// True if the request carries `token` (compared in constant time).
bool has_bearer_token(const web::Request& request, std::string_view token) noexcept;

// The registration a POST body or a DELETE path names, or the error response to send.
using ParsedRegistration = Result<sources::Registration, web::Response>;
ParsedRegistration parse_register_body(std::string_view body);
ParsedRegistration parse_unregister_path(std::string_view path, std::string_view prefix);

}  // namespace wte::exporter
