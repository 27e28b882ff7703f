#include "exporter/registration_api.hpp"

#include <rapidjson/document.h>

#include "text/bounded_json.hpp"
#include "whm/session_id.hpp"

namespace wte::exporter {
namespace {

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  // Length is not secret enough to hide; the bytes are compared without an early exit.
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

web::Response bad_request(std::string message) {
  return web::Response::json(400, "{\"error\":\"" + message + "\"}");
}

// Host names are [A-Za-z0-9_.-]{1,64} (config rules); anything else cannot name a host.
bool plausible_host_name(std::string_view h) noexcept {
  if (h.empty() || h.size() > 64 || h == "." || h == "..") return false;
  for (const char c : h) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

ParsedRegistration validated(std::string host, std::string id) {
  if (!plausible_host_name(host)) return bad_request("invalid host name");
  if (!whm::is_valid_session_id(id)) {
    return bad_request("invalid session_id: only [0-9A-Za-z_], 1 to 64 characters");
  }
  return sources::Registration{std::move(host), std::move(id)};
}

}  // namespace

bool has_bearer_token(const web::Request& request, std::string_view token) noexcept {
  if (token.empty()) return false;
  if (auto h = request.header("x-api-token")) return constant_time_equal(*h, token);
  if (auto h = request.header("authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (h->size() > kBearer.size() && web::iequals_ascii(h->substr(0, kBearer.size()), kBearer)) {
      return constant_time_equal(h->substr(kBearer.size()), token);
    }
  }
  return false;
}

ParsedRegistration parse_register_body(std::string_view body) {
  rapidjson::Document d;  // bounded depth: a deeply nested body is a 400, not a crash
  if (!text::parse_json(d, body.data(), body.size()).ok() || !d.IsObject()) {
    return bad_request("body must be a JSON object");
  }
  const rapidjson::Value& doc = d;  // const iterators: no ambiguous == in C++20
  const auto host = doc.FindMember("host");
  const auto id = doc.FindMember("session_id");
  if (host == doc.MemberEnd() || !host->value.IsString() || id == doc.MemberEnd() ||
      !id->value.IsString()) {
    return bad_request("body needs string fields host and session_id");
  }
  return validated(std::string(host->value.GetString(), host->value.GetStringLength()),
                   std::string(id->value.GetString(), id->value.GetStringLength()));
}

ParsedRegistration parse_unregister_path(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return bad_request("expected /api/v1/sessions/HOST/ID");
  const std::string_view rest = path.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return bad_request("expected /api/v1/sessions/HOST/ID");
  // No percent-decoding: valid names and ids never need it, so an escape is refused as is.
  return validated(std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1)));
}

}  // namespace wte::exporter
