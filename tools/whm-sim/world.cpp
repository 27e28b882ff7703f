#include "world.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>

#include "loggen/json_text.hpp"

namespace wte::whmsim {

namespace {

constexpr std::string_view kStateCall = "get_transfer_session_state";
constexpr std::string_view kLogCall = "fetch_transfer_session_log";
constexpr std::string_view kSessionsDir = "/var/cpanel/transfer_sessions/";
constexpr std::string_view kAccessDenied =
    R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}})";

// What one API answer says, before it is written in the host's style.
struct Envelope {
  std::string_view command;
  std::vector<std::pair<std::string_view, std::string_view>> data;
  std::optional<std::string> failure;  // set: result 0 with this reason
};

template <class Target>
bool write_envelope(std::string& out, const Envelope& e, bool legacy) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, Target> w(buf);
  const auto str = [&](std::string_view s) {
    return w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  if (!e.failure) {
    w.Key("data");
    w.StartObject();
    for (const auto& [key, value] : e.data) {
      str(key);
      if (!str(value)) return false;  // not valid UTF-8: cannot be \u-escaped
    }
    w.EndObject();
  }
  w.Key("metadata");
  w.StartObject();
  w.Key("command");
  str(e.command);
  w.Key("reason");
  if (!str(e.failure ? std::string_view(*e.failure) : "OK")) return false;
  w.Key("result");
  if (legacy) {
    str(e.failure ? "0" : "1");
  } else {
    w.Int(e.failure ? 0 : 1);
  }
  w.Key("version");
  w.Int(1);
  w.EndObject();
  w.EndObject();
  out.assign(buf.GetString(), buf.GetSize());
  return true;
}

web::Response envelope_response(const Envelope& e, ResponseStyle style) {
  web::Response r;
  const bool legacy = style == ResponseStyle::legacy;
  // Old servers escape non-ASCII; text that is not UTF-8 can only go out raw.
  if (!legacy || !write_envelope<rapidjson::ASCII<>>(r.body, e, true)) {
    write_envelope<rapidjson::UTF8<>>(r.body, e, legacy);
  }
  r.content_type = legacy ? "text/plain; charset=\"utf-8\"" : "application/json";
  return r;
}

web::Response status_response(unsigned status) {
  if (status == 401 || status == 403) {
    web::Response r = web::Response::json(status, std::string(kAccessDenied));
    return r;
  }
  const std::string title = std::to_string(status) + (status == 502   ? " Bad Gateway"
                                                      : status == 503 ? " Service Unavailable"
                                                      : status >= 500 ? " Internal Server Error"
                                                                      : " Error");
  web::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<html><head><title>" + title + "</title></head><body><h1>" + title +
           "</h1><p>cpsrvd (simulated)</p></body></html>\n";
  return r;
}

// The first half of the text's lines (the log "loses its second half").
std::string first_half(std::string_view text) {
  std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  std::size_t keep = lines / 2, at = 0;
  while (keep-- > 0) at = text.find('\n', at) + 1;
  return std::string(text.substr(0, at));
}

// The body faults, in the order a broken server or proxy would cause them.
void damage_body(SimReply& reply, const Faults& f) {
  std::string& body = reply.response.body;
  if (f.oversize && body.size() <= *f.oversize) body.append(*f.oversize + 1 - body.size(), ' ');
  if (f.invalid_json) body.insert(0, "{\"data\":{,}");
  if (f.truncated_json) body.resize(body.size() / 2);
  if (f.cut_mid_body) reply.cut_body_at = body.size() / 2;
}

std::string_view json_string_member(const rapidjson::Value& v, const char* name) {
  const auto m = v.FindMember(name);
  if (m == v.MemberEnd() || !m->value.IsString()) return {};
  return {m->value.GetString(), m->value.GetStringLength()};
}

// A fault value from JSON: absent or true = on, false or null = off, else its text.
std::string fault_value(const rapidjson::Value& body) {
  const auto m = body.FindMember("value");
  if (m == body.MemberEnd() || m->value.IsTrue()) return "";
  if (m->value.IsFalse() || m->value.IsNull()) return "0";
  if (m->value.IsString()) return m->value.GetString();
  if (m->value.IsUint64()) return std::to_string(m->value.GetUint64());
  return "?";
}

bool is_final_state(std::string_view state) noexcept {
  return state == "COMPLETED" || state == "ABORTED" || state == "FAILED";
}

// cPanel accepts a log file name that is a plain file name (not empty, `.` or `..`, no `/`
// or NUL, at most 255 bytes).
bool is_plain_file_name(std::string_view name) noexcept {
  return !name.empty() && name != "." && name != ".." && name.size() <= 255 &&
         name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

// A line is written in two parts now and then (a quarter of them, chosen by its index), so
// a reader of the active log sometimes finds half a line at its end, as on a real server.
bool written_in_two_parts(std::size_t line) noexcept {
  return loggen::mix_seed(line, 0x5b1f) % 4 == 0;
}

web::Response control_result(std::optional<std::string> error) {
  if (!error) return web::Response::json(200, "{\"ok\":true}\n");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.String(error->c_str(), static_cast<rapidjson::SizeType>(error->size()));
  w.EndObject();
  return web::Response::json(400, std::string(buf.GetString()) + "\n");
}

}  // namespace

std::optional<LogAccess> parse_log_access(std::string_view name) {
  if (name == "modern") return LogAccess::modern;
  if (name == "old") return LogAccess::old;
  if (name == "no_dotted") return LogAccess::no_dotted;
  return std::nullopt;
}

std::string_view log_access_name(LogAccess access) noexcept {
  switch (access) {
    case LogAccess::old:
      return "old";
    case LogAccess::no_dotted:
      return "no_dotted";
    case LogAccess::modern:
      break;
  }
  return "modern";
}

bool token_matches(std::optional<std::string_view> authorization, std::string_view user,
                   std::string_view token) noexcept {
  if (!authorization || authorization->size() < 4) return false;
  if (!web::iequals_ascii(authorization->substr(0, 4), "whm ")) return false;
  const std::string_view given = authorization->substr(4);
  if (given.size() != user.size() + 1 + token.size() || token.empty()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const char want = i < user.size()    ? user[i]
                      : i == user.size() ? ':'
                                         : token[i - user.size() - 1];
    diff |= static_cast<unsigned char>(given[i] ^ want);
  }
  return diff == 0;
}

std::size_t World::add_host(HostSpec spec) {
  hosts_.push_back({std::move(spec), {}, {}, 0});
  return hosts_.size() - 1;
}

void World::add_session(std::size_t host, SessionSpec spec) {
  Playback playback(std::move(spec.log), spec.lines_per_second, spec.start);
  spec.log.clear();  // the playback holds the text
  hosts_.at(host).sessions.push_back({std::move(spec), std::move(playback), {}});
}

std::optional<std::size_t> World::find_host(std::string_view name) const {
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i].spec.name == name || std::to_string(i) == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> World::session_ids(std::size_t host) const {
  std::vector<std::string> ids;
  for (const auto& s : hosts_.at(host).sessions) ids.push_back(s.spec.id);
  return ids;
}

World::Session* World::find_session(Host& host, std::string_view id) {
  for (auto& s : host.sessions) {
    if (s.spec.id == id) return &s;
  }
  return nullptr;
}

const World::Session* World::find_any_session(std::string_view id) const {
  for (const auto& h : hosts_) {
    for (const auto& s : h.sessions) {
      if (s.spec.id == id) return &s;
    }
  }
  return nullptr;
}

const World::Session* World::other_session(const Session& self) const {
  for (const auto& h : hosts_) {
    for (const auto& s : h.sessions) {
      if (&s != &self) return &s;
    }
  }
  return nullptr;
}

std::string World::xid() {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uint64_t n = loggen::mix_seed(++xid_counter_, 0x71d);
  std::string out;
  for (int i = 0; i < 6; ++i, n /= kChars.size()) out += kChars[n % kChars.size()];
  return out;
}

std::string World::api_state(const Host& host, const Session& s, Clock::time_point now) const {
  std::string state = s.playback.api_state(now, s.spec.end_state);
  if (!host.spec.documented_states) return state;
  if (state == "PENDING") return "TRANSFER_PENDING";
  if (state == "RUNNING") {
    return s.playback.transfer_done(now) ? "RESTORE_INPROGRESS" : "TRANSFER_INPROGRESS";
  }
  return state;
}

bool World::log_ended(const Session& s, Clock::time_point now) const {
  return s.playback.finished(now) && is_final_state(s.playback.api_state(now, s.spec.end_state));
}

// The lines out so far and, while a line written in two parts is in its first half-interval,
// the first half of it (never a broken UTF-8 character). Lines released ahead of their time
// (release_all) are whole.
std::string_view World::written_text(const Session& s, Clock::time_point now) const {
  const std::string_view lines = s.playback.released_text(now);
  const std::size_t n = s.playback.released_lines(now);
  if (!s.playback.started(now) || n >= s.playback.lines_total()) return lines;
  const double due =
      std::chrono::duration<double>(now - s.spec.start).count() * s.spec.lines_per_second;
  const double whole = std::floor(due);
  if (whole != static_cast<double>(n) || due - whole >= 0.5 || !written_in_two_parts(n)) {
    return lines;
  }
  const std::string_view text = s.playback.text();
  const std::size_t begin = lines.size();
  const std::size_t next_end = std::min(text.find('\n', begin), text.size() - 1) + 1;
  std::size_t cut = begin + (next_end - begin) / 2;
  while (cut > begin && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string World::log_text(const Session& s, const Faults& f, Clock::time_point now) const {
  const Session* source = &s;
  if (f.replace_log) {
    const Session* other =
        f.replace_log->empty() ? other_session(s) : find_any_session(*f.replace_log);
    if (other) source = other;
  }
  const std::string_view text = written_text(*source, now);
  return f.shrink_log ? first_half(text) : std::string(text);
}

World::LogAnswer World::log_call(const Host& host, const Session& s, const Faults& f,
                                 std::string_view logfile, Clock::time_point now) {
  // The fault reads as no_dotted whatever the host's own log access.
  const LogAccess access = f.hang_fetch_until_end ? LogAccess::no_dotted : host.spec.log_access;
  const bool ended = log_ended(s, now);
  LogAnswer a;
  if (!is_plain_file_name(logfile)) {
    a.failure = "API failure: “" + std::string(logfile) + "” is not a valid filesystem node name.";
  } else if (access == LogAccess::no_dotted && logfile.starts_with('.')) {
    a.failure = "API failure: Invalid log file name: “" + std::string(logfile) + "”.";
  } else if (logfile == "master.log") {
    // The active log is `.master.log`: a modern server loops until it is renamed.
    a.wait = !ended && access != LogAccess::old;
    if (!a.wait) a.log = log_text(s, f, now);
  } else if (logfile == ".master.log" && access == LogAccess::modern && !ended) {
    a.log = log_text(s, f, now);  // the active file itself, taken as complete
  } else if (logfile == "master.error_log") {
    // The session's error log: empty in the simulation, at once.
  } else {
    // IO::FileNotFound: cPanel looked for `.NAME` (active), then `NAME` (complete).
    const std::string dir = std::string(kSessionsDir) + s.spec.id + "/";
    a.failure = "API failure: The system failed to locate either the file “" + dir + "." +
                std::string(logfile) + "” or the file “" + dir + std::string(logfile) + "”.";
  }
  if (a.failure) *a.failure += " (XID " + xid() + ")";
  return a;
}

SimReply World::handle(std::size_t host_index, const web::Request& request, Clock::time_point now) {
  if (auto reply = answer(hosts_.at(host_index), request, now)) return std::move(*reply);
  SimReply held;
  held.held = hold(host_index, request);
  return held;
}

std::optional<SimReply> World::answer(Host& host, const web::Request& request,
                                      Clock::time_point now) {
  SimReply reply;
  if (host.faults.wrong_token ||
      !token_matches(request.header("authorization"), host.spec.user, host.spec.token)) {
    reply.response = web::Response::json(403, std::string(kAccessDenied));
    return reply;
  }
  constexpr std::string_view kPrefix = "/json-api/";
  if (!request.path.starts_with(kPrefix)) {
    reply.response = web::Response::text(404, "404 Not Found\n");
    return reply;
  }
  const std::string_view command = std::string_view(request.path).substr(kPrefix.size());
  const std::string id = request.query_param("transfer_session_id").value_or("");
  Session* session = find_session(host, id);
  const Faults f = session ? Faults::merge(host.faults, session->faults) : host.faults;
  reply.delay = f.slow.value_or(std::chrono::milliseconds(0));
  if (f.hang) {
    reply.never = true;
    return reply;
  }
  if (f.http_status) {
    reply.response = status_response(*f.http_status);
    return reply;
  }

  Envelope e{command, {}, std::nullopt};
  std::string state, log;
  if (command != kStateCall && command != kLogCall) {
    e.failure =
        "Unknown app (“" + std::string(command) + "”) requested for this version (1) of the API.";
  } else if (id.empty()) {
    e.failure = "API failure: The parameter “transfer_session_id” is required. (XID " + xid() + ")";
  } else if (!session || f.delete_session) {
    e.failure =
        "API failure: The transfer session “" + id + "” does not exist. (XID " + xid() + ")";
  } else if (f.result0) {
    e.failure = "API failure: The system failed to read the transfer session (simulated). (XID " +
                xid() + ")";
  } else if (command == kStateCall) {
    state = api_state(host, *session, now);
    e.data.emplace_back("state_name", state);
  } else {
    const std::string logfile = request.query_param("logfile").value_or("master.log");
    LogAnswer a = log_call(host, *session, f, logfile, now);
    if (a.wait) return std::nullopt;
    log = std::move(a.log);
    e.failure = std::move(a.failure);
    e.data.emplace_back("log", log);
  }
  reply.response = envelope_response(e, host.spec.style);
  reply.chunked = host.spec.style == ResponseStyle::legacy;
  damage_body(reply, f);
  return reply;
}

HeldId World::hold(std::size_t host, const web::Request& request) {
  Host& h = hosts_.at(host);
  const std::string id = request.query_param("transfer_session_id").value_or("");
  std::size_t index = 0;
  while (index < h.sessions.size() && h.sessions[index].spec.id != id) ++index;
  Session& s = h.sessions.at(index);  // answer() holds only requests of a known session
  ++s.held;
  ++s.held_connected;
  s.max_held = std::max(s.max_held, s.held);
  const HeldId held = next_held_++;
  held_.emplace(held, Held{host, index, request, true});
  return held;
}

void World::unhold(const Held& held) noexcept {
  Session& s = hosts_[held.host].sessions[held.session];
  --s.held;
  if (held.connected) --s.held_connected;
}

std::optional<SimReply> World::answer_held(HeldId id, Clock::time_point now) {
  const auto it = held_.find(id);
  if (it == held_.end()) return std::nullopt;
  auto reply = answer(hosts_[it->second.host], it->second.request, now);
  if (!reply) return std::nullopt;
  unhold(it->second);
  held_.erase(it);
  return reply;
}

void World::held_client_gone(HeldId id) {
  const auto it = held_.find(id);
  if (it == held_.end() || !it->second.connected) return;
  it->second.connected = false;
  --hosts_[it->second.host].sessions[it->second.session].held_connected;
}

void World::drop_held() noexcept {
  for (const auto& [id, held] : held_) unhold(held);
  held_.clear();
}

std::optional<std::string> World::set_log_access(std::string_view host_name,
                                                 std::string_view access) {
  const auto parsed = parse_log_access(access);
  if (!parsed) return "log_access is modern, old or no_dotted, not \"" + std::string(access) + "\"";
  if (host_name.empty()) {
    for (auto& h : hosts_) h.spec.log_access = *parsed;
    return std::nullopt;
  }
  const auto h = find_host(host_name);
  if (!h) return "unknown host \"" + std::string(host_name) + "\"";
  hosts_[*h].spec.log_access = *parsed;
  return std::nullopt;
}

std::optional<std::string> World::reset_max_held(std::string_view host_name,
                                                 std::string_view session) {
  return for_sessions(host_name, session, [](Session& s) { s.max_held = s.held; });
}

std::optional<std::string> World::set_fault(std::string_view host_name, std::string_view session,
                                            std::string_view name, std::string_view value) {
  const auto h = find_host(host_name);
  if (!h) return "unknown host \"" + std::string(host_name) + "\"";
  Host& host = hosts_[*h];
  if (session.empty()) return whmsim::set_fault(host.faults, name, value);
  if (is_host_only_fault(name)) return "fault " + std::string(name) + " applies to a whole host";
  Session* s = find_session(host, session);
  if (!s) return "unknown session on " + host.spec.name;
  return whmsim::set_fault(s->faults, name, value);
}

void World::clear_faults() {
  for (auto& h : hosts_) {
    h.faults = {};
    for (auto& s : h.sessions) s.faults = {};
  }
}

std::optional<std::string> World::release_all(std::string_view host_name,
                                              std::string_view session) {
  return for_sessions(host_name, session, [](Session& s) { s.playback.release_all(); });
}

template <class F>
std::optional<std::string> World::for_sessions(std::string_view host_name, std::string_view session,
                                               F f) {
  std::optional<std::size_t> only;
  if (!host_name.empty()) {
    only = find_host(host_name);
    if (!only) return "unknown host \"" + std::string(host_name) + "\"";
  }
  bool found = false;
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (only && *only != i) continue;
    for (auto& s : hosts_[i].sessions) {
      if (!session.empty() && s.spec.id != session) continue;
      f(s);
      found = true;
    }
  }
  if (!found && (!host_name.empty() || !session.empty())) return "no such host or session";
  return std::nullopt;
}

std::string World::state_json(Clock::time_point now) const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  const auto str = [&](std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  w.StartObject();
  w.Key("hosts");
  w.StartArray();
  for (const auto& h : hosts_) {
    w.StartObject();
    w.Key("name");
    str(h.spec.name);
    w.Key("port");
    w.Uint(h.port);
    w.Key("style");
    str(h.spec.style == ResponseStyle::legacy ? "old" : "new");
    w.Key("log_access");
    str(log_access_name(h.spec.log_access));
    w.Key("faults");
    const std::string hf = faults_json(h.faults);
    w.RawValue(hf.data(), hf.size(), rapidjson::kObjectType);
    w.Key("sessions");
    w.StartArray();
    for (const auto& s : h.sessions) {
      w.StartObject();
      w.Key("id");
      str(s.spec.id);
      w.Key("state");
      str(api_state(h, s, now));
      w.Key("lines_released");
      w.Uint64(s.playback.released_lines(now));
      w.Key("lines_total");
      w.Uint64(s.playback.lines_total());
      w.Key("bytes_released");
      w.Uint64(s.playback.released_text(now).size());
      w.Key("bytes_written");  // what a read of the active log finds: may end mid-line
      w.Uint64(written_text(s, now).size());
      w.Key("bytes_total");
      w.Uint64(s.playback.bytes_total());
      w.Key("log_ended");  // master.log exists: it answers at once, .master.log is gone
      w.Bool(log_ended(s, now));
      w.Key("held_log_requests");
      w.Uint64(s.held);
      w.Key("held_log_requests_connected");
      w.Uint64(s.held_connected);
      w.Key("max_held_log_requests");
      w.Uint64(s.max_held);
      w.Key("faults");
      const std::string sf = faults_json(s.faults);
      w.RawValue(sf.data(), sf.size(), rapidjson::kObjectType);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

web::Response World::control(const web::Request& request, Clock::time_point now) {
  if (request.method == "GET" && request.path == "/state") {
    return web::Response::json(200, state_json(now));
  }
  if (request.method == "DELETE" && request.path == "/faults") {
    clear_faults();
    return control_result(std::nullopt);
  }
  const bool post = request.method == "POST";
  const bool faults = post && request.path == "/faults";
  const bool advance = post && request.path == "/sessions/advance";
  const bool reset_max = post && request.path == "/sessions/reset_max_held";
  const bool access = post && request.path == "/log_access";
  if (!faults && !advance && !reset_max && !access) {
    return web::Response::text(404, "404 Not Found\n");
  }
  rapidjson::Document body;
  body.Parse(request.body.empty() ? "{}" : request.body.c_str());
  if (body.HasParseError() || !body.IsObject()) {
    return control_result("the body must be a JSON object");
  }
  std::string host(json_string_member(body, "host"));
  if (const auto m = std::as_const(body).FindMember("host");
      m != std::as_const(body).MemberEnd() && m->value.IsUint()) {
    host = std::to_string(m->value.GetUint());
  }
  const std::string_view session = json_string_member(body, "session");
  if (advance) return control_result(release_all(host, session));
  if (reset_max) return control_result(reset_max_held(host, session));
  if (access) {
    return control_result(set_log_access(host, json_string_member(body, "log_access")));
  }
  const std::string_view fault = json_string_member(body, "fault");
  if (fault.empty()) return control_result("\"fault\" is required");
  return control_result(set_fault(host, session, fault, fault_value(body)));
}

}  // namespace wte::whmsim
