#include "whm/api_request.hpp"

#include <boost/url/url.hpp>

#include "whm/session_id.hpp"

namespace wte::whm {

namespace {

bool is_function_name(std::string_view name) noexcept {
  // A function name has the same alphabet as a session id; the length bound is generous.
  return is_valid_session_id(name.substr(0, 64)) && name.size() <= 64;
}

bool is_logfile_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 128 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> api_target(std::string_view function, const QueryParams& params) {
  if (!is_function_name(function)) return std::nullopt;
  boost::urls::url url;
  url.set_path("/json-api/" + std::string(function));
  auto query = url.params();  // encodes whatever the key and value need
  query.append({"api.version", "1"});
  for (const auto& [key, value] : params) query.append({key, value});
  return std::string(url.encoded_target());
}

std::optional<std::string> state_request_target(std::string_view session_id) {
  if (!is_valid_session_id(session_id)) return std::nullopt;
  return api_target("get_transfer_session_state", {{"transfer_session_id", session_id}});
}

std::optional<std::string> log_request_target(std::string_view session_id,
                                              std::string_view logfile) {
  if (!is_valid_session_id(session_id) || !is_logfile_name(logfile)) return std::nullopt;
  return api_target("fetch_transfer_session_log",
                    {{"transfer_session_id", session_id}, {"logfile", logfile}});
}

std::string authorization_value(std::string_view user, std::string_view token) {
  std::string value;
  value.reserve(5 + user.size() + token.size());
  value.append("whm ").append(user).append(":").append(token);
  return value;
}

}  // namespace wte::whm
