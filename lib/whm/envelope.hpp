#pragma once
// Reading WHM API 1 responses, as pure functions of (body, HTTP status, Content-Type).
// They never throw and never trust the server: every shape the server might send, including
// garbage, ends as a value or an ApiError.
#include <cstddef>
#include <string>
#include <string_view>

#include "whm/errors.hpp"

namespace wte::whm {

// A server's own words (an API failure reason, an auth error) keep at most this many bytes.
inline constexpr std::size_t kMaxReasonBytes = 500;

// Spare capacity the parsers want past a body's end: RapidJSON's SSE4.2 scanner reads whole
// aligned 16-byte blocks, so it may look past the terminating NUL. A body with less is
// re-allocated (copied) first; the client's bodies always have it.
inline constexpr std::size_t kScanSlack = 64;

// The body of fetch_transfer_session_log after in-place parsing: `log` is data.log, unescaped
// inside `storage` (the response body itself), so a log of hundreds of MB is never copied.
// Moving or copying keeps `log` pointing into the object's own storage.
struct LogBody {
  std::string storage;
  std::string_view log;

  LogBody() = default;
  LogBody(std::string body, std::size_t log_offset, std::size_t log_length);
  LogBody(LogBody&& other) noexcept;
  LogBody(const LogBody& other);
  LogBody& operator=(LogBody&& other) noexcept;
  LogBody& operator=(const LogBody& other);
  ~LogBody() = default;
};

// What a secret found in a server's text is replaced with.
inline constexpr std::string_view kRedacted = "<redacted>";

// Every parser below takes the `secret` the server was sent (the API token): a server may
// echo it, and it must never come back out in a message, a state or a log. JSON is parsed
// with bounded depth (text/bounded_json.hpp): deep nesting is a bad_response, not a crash.

// get_transfer_session_state: data.state_name. A name cPanel documents, or any other of
// [A-Z][A-Z0-9_]{0,63} (an unknown state is kept as sent); anything else, the secret or a
// piece of it included, is a bad_response whose message does not quote it. Both
// `Content-Type: application/json` and the older `text/plain` are accepted.
Result<std::string> parse_state_response(std::string_view body, unsigned http_status,
                                         std::string_view content_type,
                                         std::string_view secret = {});

// fetch_transfer_session_log: data.log, parsed in situ (the body is taken over, not copied,
// when it has kScanSlack bytes of spare capacity). The secret, if the log quotes it, is
// masked with as many '*' (the log keeps its length).
Result<LogBody> parse_log_response(std::string&& body, unsigned http_status,
                                   std::string_view content_type, std::string_view secret = {});

// True for a name parse_state_response accepts.
bool is_plausible_state_name(std::string_view name, std::string_view secret = {}) noexcept;

// The server's message made fit for a log line: control characters become spaces, outer
// whitespace is trimmed, every `secret` is replaced by kRedacted, ill-formed UTF-8 is
// replaced, and then at most `max_bytes` are kept (redacting first: a secret straddling the
// cut leaves no prefix behind).
std::string clean_server_text(std::string_view text, std::size_t max_bytes = kMaxReasonBytes,
                              std::string_view secret = {});

// Replaces every occurrence of `secret` in `text` with kRedacted.
void redact_secret(std::string& text, std::string_view secret);

}  // namespace wte::whm
