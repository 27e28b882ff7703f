#include "whm/envelope.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <functional>
#include <span>

#include "text/bounded_json.hpp"
#include "text/utf8.hpp"

namespace wte::whm {

namespace {

using rapidjson::Value;

// Error bodies are short; a huge one is not worth parsing for its reason.
constexpr std::size_t kMaxErrorBodyParse = 64 * 1024;
constexpr std::size_t kMaxStateNameBytes = 64;

// The names cPanel stores and documents (docs/LOG-FORMAT.md); always accepted as they are.
constexpr std::array<std::string_view, 13> kKnownStates = {"PENDING",
                                                           "REACHEDMAXMEM",
                                                           "RUNNING",
                                                           "PAUSING",
                                                           "ABORTING",
                                                           "PAUSED",
                                                           "COMPLETED",
                                                           "ABORTED",
                                                           "FAILED",
                                                           "TRANSFER_PENDING",
                                                           "TRANSFER_INPROGRESS",
                                                           "RESTORE_PENDING",
                                                           "RESTORE_INPROGRESS"};

ApiError make_error(ErrorReason reason, std::string message, unsigned status) {
  return ApiError{reason, std::move(message), status};
}

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string_view trim(std::string_view s) noexcept {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// JSON arrives as application/json (new servers), text/plain (old ones) or, from some
// proxies, with no type at all. Anything else (an HTML login page) is not an API answer.
bool is_json_like_content_type(std::string_view content_type) {
  std::string media;
  for (char c : trim(content_type.substr(0, content_type.find(';')))) media += ascii_lower(c);
  return media.empty() || media == "application/json" || media == "text/plain" ||
         media == "text/javascript" || media == "application/javascript";
}

const Value* member(const Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

const Value* string_member(const Value& object, const char* name) {
  const Value* v = member(object, name);
  return (v != nullptr && v->IsString()) ? v : nullptr;
}

std::string_view view_of(const Value& s) {
  return {s.GetString(), s.GetStringLength()};
}

// The short reason an error body carries: cpanelresult.error, cpanelresult.data.reason,
// metadata.reason or a top-level error, whichever comes first. Empty when none.
std::string error_body_reason(std::string_view body, std::string_view secret) {
  if (body.empty() || body.size() > kMaxErrorBodyParse) return {};
  rapidjson::Document doc;
  if (!text::parse_json(doc, body.data(), body.size()).ok() || !doc.IsObject()) return {};
  const Value* found = nullptr;
  if (const Value* cp = member(doc, "cpanelresult")) {
    found = string_member(*cp, "error");
    if (found == nullptr) {
      if (const Value* data = member(*cp, "data")) found = string_member(*data, "reason");
    }
  }
  if (found == nullptr) {
    if (const Value* meta = member(doc, "metadata")) found = string_member(*meta, "reason");
  }
  if (found == nullptr) found = string_member(doc, "error");
  return found == nullptr ? std::string()
                          : clean_server_text(view_of(*found), kMaxReasonBytes, secret);
}

// Non-2xx answers: 401/403 are authentication failures, the rest plain HTTP errors.
ApiError status_error(unsigned status, std::string_view body, std::string_view secret) {
  const std::string reason = error_body_reason(body, secret);
  const std::string code = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    std::string msg = "authentication failed (" + code + ")";
    if (!reason.empty()) msg += ": " + reason;
    return make_error(ErrorReason::auth, std::move(msg), status);
  }
  return make_error(ErrorReason::http, reason.empty() ? code : code + ": " + reason, status);
}

enum class ResultFlag { success, failure, invalid };

// metadata.result is 1 in newer servers and "1" in older ones; 0 / "0" is a failure.
ResultFlag result_flag(const Value* v) {
  if (v == nullptr) return ResultFlag::invalid;
  if (v->IsInt64()) {
    if (v->GetInt64() == 1) return ResultFlag::success;
    if (v->GetInt64() == 0) return ResultFlag::failure;
  } else if (v->IsString()) {
    const std::string_view s = view_of(*v);
    if (s == "1") return ResultFlag::success;
    if (s == "0") return ResultFlag::failure;
  }
  return ResultFlag::invalid;
}

// RapidJSON's SSE4.2 scanner may read the rest of the aligned 16-byte block after the NUL;
// spare capacity keeps that inside the allocation. The client's bodies already have it, so
// this only copies when a caller passes a tightly sized string.
void ensure_scan_slack(std::string& storage) {
  if (storage.capacity() - storage.size() < kScanSlack) {
    storage.reserve(storage.size() + kScanSlack);
  }
}

// Parses `storage` in place (it must stay alive and unmoved while `doc` is used) and checks
// the envelope. On success returns the `data` object.
Result<const Value*> parse_envelope(rapidjson::Document& doc, std::string& storage, unsigned status,
                                    std::string_view content_type, std::string_view secret) {
  if (status < 200 || status > 299) return status_error(status, storage, secret);
  if (!is_json_like_content_type(content_type)) {
    return make_error(
        ErrorReason::bad_response,
        "expected a JSON answer, got Content-Type " + clean_server_text(content_type, 100, secret),
        status);
  }
  if (trim(storage).empty()) return make_error(ErrorReason::bad_response, "empty response", status);

  ensure_scan_slack(storage);
  // Our own stream so that we learn where the value ended: the document must fill the whole
  // body (a NUL byte would otherwise end an in-situ parse early and hide trailing bytes).
  // Bounded depth: a server's 150,000 nested arrays are an error, not a stack overflow.
  rapidjson::InsituStringStream stream(storage.data());
  const auto parsed =
      text::parse_json_stream<rapidjson::kParseInsituFlag | rapidjson::kParseStopWhenDoneFlag>(
          doc, stream);
  if (!parsed.ok()) {
    return make_error(
        ErrorReason::bad_response,
        "invalid JSON at byte " + std::to_string(parsed.offset()) + ": " + parsed.message(),
        status);
  }
  const std::string_view rest = std::string_view(storage).substr(stream.Tell());
  if (!trim(rest).empty()) {
    return make_error(ErrorReason::bad_response,
                      "invalid JSON: unexpected bytes after the document at byte " +
                          std::to_string(stream.Tell()),
                      status);
  }
  if (!doc.IsObject())
    return make_error(ErrorReason::bad_response, "answer is not a JSON object", status);
  const Value* meta = member(doc, "metadata");
  if (meta == nullptr || !meta->IsObject()) {
    return make_error(ErrorReason::bad_response, "answer has no metadata object", status);
  }
  switch (result_flag(member(*meta, "result"))) {
    case ResultFlag::success:
      break;
    case ResultFlag::failure: {
      const Value* reason = string_member(*meta, "reason");
      std::string text = reason == nullptr
                             ? std::string()
                             : clean_server_text(view_of(*reason), kMaxReasonBytes, secret);
      if (text.empty()) text = "API call failed (no reason given)";
      return make_error(ErrorReason::api, std::move(text), status);
    }
    case ResultFlag::invalid:
      return make_error(ErrorReason::bad_response, "metadata.result is missing or not 0/1", status);
  }
  const Value* data = member(doc, "data");
  if (data == nullptr || !data->IsObject()) {
    return make_error(ErrorReason::bad_response, "answer has no data object", status);
  }
  return data;
}

// A log that quotes the secret would carry it into item names, failure texts, labels and
// pages. Masked in place with as many '*': the log keeps its length, so byte offsets and
// the comparison of one poll's log with the next are unchanged.
void mask_secret(std::span<char> log, std::string_view secret) {
  if (secret.empty()) return;
  const std::string_view view(log.data(), log.size());
  for (auto at = view.find(secret); at != std::string_view::npos; at = view.find(secret, at)) {
    std::fill_n(log.begin() + static_cast<std::ptrdiff_t>(at), secret.size(), '*');
    at += secret.size();
  }
}

std::size_t rebased_offset(const std::string& from, std::string_view view, bool& inside) {
  const std::less<const char*> before;
  const char* begin = from.data();
  const char* end = begin + from.size();
  inside = view.data() != nullptr && !before(view.data(), begin) && !before(end, view.data());
  return inside ? static_cast<std::size_t>(view.data() - begin) : 0;
}

}  // namespace

LogBody::LogBody(std::string body, std::size_t log_offset, std::size_t log_length)
    : storage(std::move(body)) {
  if (log_offset <= storage.size() && log_length <= storage.size() - log_offset) {
    log = std::string_view(storage).substr(log_offset, log_length);
  }
}

LogBody::LogBody(LogBody&& other) noexcept {
  *this = std::move(other);
}

LogBody::LogBody(const LogBody& other) {
  *this = other;
}

// The view is re-seated on our own storage: a moved short string changes its address.
LogBody& LogBody::operator=(LogBody&& other) noexcept {
  if (this == &other) return *this;
  bool inside = false;
  const std::size_t offset = rebased_offset(other.storage, other.log, inside);
  const std::size_t length = other.log.size();
  storage = std::move(other.storage);
  log = inside ? std::string_view(storage).substr(offset, length) : other.log;
  other.log = {};
  return *this;
}

LogBody& LogBody::operator=(const LogBody& other) {
  if (this == &other) return *this;
  bool inside = false;
  const std::size_t offset = rebased_offset(other.storage, other.log, inside);
  storage = other.storage;
  log = inside ? std::string_view(storage).substr(offset, other.log.size()) : other.log;
  return *this;
}

void redact_secret(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), kRedacted);
    at += kRedacted.size();
  }
}

std::string clean_server_text(std::string_view text, std::size_t max_bytes,
                              std::string_view secret) {
  std::string flat(trim(text));
  for (char& c : flat) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  // Before the cut: a secret straddling it would otherwise leave its first bytes behind.
  redact_secret(flat, secret);
  return text::bounded_utf8(trim(flat), max_bytes);
}

bool is_plausible_state_name(std::string_view name, std::string_view secret) noexcept {
  if (std::find(kKnownStates.begin(), kKnownStates.end(), name) != kKnownStates.end()) return true;
  if (name.empty() || name.size() > kMaxStateNameBytes) return false;
  if (name.front() < 'A' || name.front() > 'Z') return false;
  const bool shaped = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!shaped) return false;
  // A cPanel token is 32 of [A-Z0-9], so it has the shape of a name: an echoed token (or a
  // piece of it long enough to matter) is no state.
  constexpr std::size_t kShortestTellingPiece = 8;
  if (!secret.empty() &&
      (name.find(secret) != std::string_view::npos ||
       (name.size() >= kShortestTellingPiece && secret.find(name) != std::string_view::npos))) {
    return false;
  }
  return true;
}

Result<std::string> parse_state_response(std::string_view body, unsigned http_status,
                                         std::string_view content_type, std::string_view secret) {
  std::string storage;  // state answers are small: a copy keeps the caller's bytes intact
  storage.reserve(body.size() + kScanSlack);
  storage.assign(body);
  rapidjson::Document doc;
  auto data = parse_envelope(doc, storage, http_status, content_type, secret);
  if (!data.ok()) return std::move(data).error();
  const Value* name = string_member(*data.value(), "state_name");
  if (name == nullptr) {
    return ApiError{ErrorReason::bad_response, "answer has no string data.state_name", http_status};
  }
  const std::string_view state = view_of(*name);
  if (state.empty())
    return ApiError{ErrorReason::bad_response, "data.state_name is empty", http_status};
  // The name becomes a label value, a page and an API field: never the server's free text.
  // Nor is it quoted here, so whatever it held goes nowhere.
  if (!is_plausible_state_name(state, secret)) {
    return ApiError{ErrorReason::bad_response,
                    "data.state_name is not a state name (expected [A-Z][A-Z0-9_]{0,63})",
                    http_status};
  }
  return std::string(state);
}

Result<LogBody> parse_log_response(std::string&& body, unsigned http_status,
                                   std::string_view content_type, std::string_view secret) {
  std::string storage(std::move(body));
  rapidjson::Document doc;
  auto data = parse_envelope(doc, storage, http_status, content_type, secret);
  if (!data.ok()) return std::move(data).error();
  const Value* log = string_member(*data.value(), "log");
  if (log == nullptr) {
    return ApiError{ErrorReason::bad_response, "answer has no string data.log", http_status};
  }
  // In-situ strings point into `storage`; remember the place, not the pointer, across the move.
  const auto offset = static_cast<std::size_t>(log->GetString() - storage.data());
  const std::size_t length = log->GetStringLength();
  mask_secret(std::span<char>(storage.data() + offset, length), secret);
  return LogBody(std::move(storage), offset, length);
}

}  // namespace wte::whm
