#pragma once
// The misbehaviours the simulator can switch on, per host or per session, at start or at
// run time. Clearing a fault restores normal behaviour.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wte::whmsim {

struct Faults {
  std::optional<std::chrono::milliseconds> slow;  // delay every response
  bool hang = false;                              // accept, never answer
  // The active log cannot be read: the host answers as with log_access=no_dotted whatever
  // its own (world.hpp's LogAccess): `master.log` waits for the session's end, `.master.log`
  // is refused.
  bool hang_fetch_until_end = false;
  bool cut_mid_body = false;  // headers and half the body, then close
  bool invalid_json = false;
  bool truncated_json = false;             // a complete HTTP response whose JSON is cut in half
  std::optional<unsigned> http_status;     // 500, 502, 401, 403, ...
  bool result0 = false;                    // HTTP 200 with metadata.result 0
  bool wrong_token = false;                // reject every token (host only)
  bool shrink_log = false;                 // the log loses its second half
  std::optional<std::string> replace_log;  // the log becomes this session's ("" = another one)
  std::optional<std::size_t> oversize;     // pad the response beyond this many bytes
  bool delete_session = false;             // the session no longer exists
  bool refuse = false;                     // the host stops listening (host only)
  bool wrong_cert = false;                 // the host serves a certificate for another name

  // `session` overrides or adds to `host`.
  static Faults merge(const Faults& host, const Faults& session);
  bool any() const;
};

// Switches fault `name` on with `value` ("" for none), or off when value is "0", "off",
// "false" or "none". Returns an error message for an unknown name or a bad value.
std::optional<std::string> set_fault(Faults& faults, std::string_view name, std::string_view value);

// Faults that only make sense for a whole host.
bool is_host_only_fault(std::string_view name) noexcept;

// {"slow_ms":500,"hang":true,...}: only the faults that are on.
std::string faults_json(const Faults& faults);

}  // namespace wte::whmsim
