#include "faults.hpp"

#include <charconv>

namespace wte::whmsim {

namespace {

bool is_off(std::string_view v) noexcept {
  return v == "0" || v == "off" || v == "false" || v == "none";
}

std::optional<std::size_t> parse_number(std::string_view v) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
  return n;
}

bool* flag(Faults& f, std::string_view name) {
  if (name == "hang") return &f.hang;
  if (name == "hang_fetch_until_end") return &f.hang_fetch_until_end;
  if (name == "cut_mid_body") return &f.cut_mid_body;
  if (name == "invalid_json") return &f.invalid_json;
  if (name == "truncated_json") return &f.truncated_json;
  if (name == "result0") return &f.result0;
  if (name == "wrong_token") return &f.wrong_token;
  if (name == "shrink_log") return &f.shrink_log;
  if (name == "delete_session") return &f.delete_session;
  if (name == "refuse") return &f.refuse;
  if (name == "wrong_cert") return &f.wrong_cert;
  return nullptr;
}

bool is_session_id(std::string_view v) noexcept {
  for (char c : v) {
    const bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!ok) return false;
  }
  return true;
}

template <class T>
void take(std::optional<T>& into, const std::optional<T>& from) {
  if (from) into = from;
}

void json_flag(std::string& out, std::string_view name, bool on) {
  if (!on) return;
  out += out.size() > 1 ? ",\"" : "\"";
  out += name;
  out += "\":true";
}

}  // namespace

std::optional<std::string> set_fault(Faults& f, std::string_view name, std::string_view value) {
  const bool off = is_off(value);
  if (bool* b = flag(f, name)) {
    *b = !off;
    return std::nullopt;
  }
  auto number = [&]() -> std::optional<std::size_t> {
    return off ? std::optional<std::size_t>{} : parse_number(value);
  };
  if (name == "slow") {
    const auto ms = number();
    if (!off && !ms) return "slow needs milliseconds, e.g. slow=500";
    f.slow = off ? std::nullopt : std::optional(std::chrono::milliseconds(*ms));
  } else if (name == "http_status") {
    const auto code = number();
    if (!off && (!code || *code < 200 || *code > 599)) return "http_status needs 200..599";
    f.http_status = off ? std::nullopt : std::optional(static_cast<unsigned>(*code));
  } else if (name == "oversize") {
    const auto bytes = number();
    if (!off && !bytes) return "oversize needs a byte count";
    f.oversize = off ? std::nullopt : bytes;
  } else if (name == "replace_log") {
    if (!is_session_id(value)) return "replace_log needs a session id ([0-9A-Za-z_])";
    f.replace_log = off ? std::nullopt : std::optional(std::string(value == "1" ? "" : value));
  } else {
    return "unknown fault \"" + std::string(name) + "\"";
  }
  return std::nullopt;
}

bool is_host_only_fault(std::string_view name) noexcept {
  return name == "wrong_token" || name == "refuse" || name == "wrong_cert";
}

Faults Faults::merge(const Faults& host, const Faults& s) {
  Faults f = host;
  take(f.slow, s.slow);
  f.hang = f.hang || s.hang;
  f.hang_fetch_until_end = f.hang_fetch_until_end || s.hang_fetch_until_end;
  f.cut_mid_body = f.cut_mid_body || s.cut_mid_body;
  f.invalid_json = f.invalid_json || s.invalid_json;
  f.truncated_json = f.truncated_json || s.truncated_json;
  take(f.http_status, s.http_status);
  f.result0 = f.result0 || s.result0;
  f.shrink_log = f.shrink_log || s.shrink_log;
  take(f.replace_log, s.replace_log);
  take(f.oversize, s.oversize);
  f.delete_session = f.delete_session || s.delete_session;
  return f;
}

bool Faults::any() const {
  return faults_json(*this) != "{}";
}

std::string faults_json(const Faults& f) {
  std::string out = "{";
  auto number = [&](std::string_view name, std::size_t n) {
    out += out.size() > 1 ? ",\"" : "\"";
    out += name;
    out += "\":" + std::to_string(n);
  };
  if (f.slow) number("slow_ms", static_cast<std::size_t>(f.slow->count()));
  json_flag(out, "hang", f.hang);
  json_flag(out, "hang_fetch_until_end", f.hang_fetch_until_end);
  json_flag(out, "cut_mid_body", f.cut_mid_body);
  json_flag(out, "invalid_json", f.invalid_json);
  json_flag(out, "truncated_json", f.truncated_json);
  if (f.http_status) number("http_status", *f.http_status);
  json_flag(out, "result0", f.result0);
  json_flag(out, "wrong_token", f.wrong_token);
  json_flag(out, "shrink_log", f.shrink_log);
  if (f.replace_log) {
    out += out.size() > 1 ? ",\"" : "\"";
    out += "replace_log\":\"" + *f.replace_log + "\"";  // ids are [0-9A-Za-z_] (checked)
  }
  if (f.oversize) number("oversize", *f.oversize);
  json_flag(out, "delete_session", f.delete_session);
  json_flag(out, "refuse", f.refuse);
  json_flag(out, "wrong_cert", f.wrong_cert);
  out += '}';
  return out;
}

}  // namespace wte::whmsim
