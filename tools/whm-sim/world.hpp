#pragma once
// The simulated WHM servers: hosts with their token, response style and faults, each with
// transfer sessions that play a master log over time. It answers the two WHM API 1 calls
// the exporter makes and the simulator's control API. Pure: no sockets, no clocks (time is
// passed in); the server wiring (sim_server.hpp) carries out delays and hangs.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faults.hpp"
#include "playback.hpp"
#include "web/http_types.hpp"

namespace wte::whmsim {

// new: cPanel 11.1xx (result 1, application/json). old: 11.44 (result "1", text/plain,
// chunked, non-ASCII as \u escapes).
enum class ResponseStyle { modern, legacy };

struct HostSpec {
  std::string name;  // "sim0"
  std::string user = "root";
  std::string token;  // a secret: never in a response, the state or a message
  ResponseStyle style = ResponseStyle::modern;
  bool documented_states = false;  // TRANSFER_INPROGRESS etc. instead of RUNNING
};

struct SessionSpec {
  std::string id;
  std::string log;  // the whole master log
  double lines_per_second = 20;
  Clock::time_point start;               // PENDING before
  std::optional<std::string> end_state;  // the API state once the whole log is out
};

// An answer and how to deliver it.
struct SimReply {
  web::Response response;
  std::chrono::milliseconds delay{0};
  bool never = false;                      // hold the connection, never answer
  bool wait_for_end = false;               // ask again later: the session has not ended yet
  bool chunked = false;                    // send with Transfer-Encoding: chunked
  std::optional<std::size_t> cut_body_at;  // send this much of the body, then close
};

class World {
 public:
  std::size_t add_host(HostSpec spec);
  void add_session(std::size_t host, SessionSpec spec);

  std::size_t host_count() const noexcept { return hosts_.size(); }
  const HostSpec& host(std::size_t index) const { return hosts_.at(index).spec; }
  const Faults& host_faults(std::size_t index) const { return hosts_.at(index).faults; }
  std::optional<std::size_t> find_host(std::string_view name) const;
  std::vector<std::string> session_ids(std::size_t host) const;
  void set_port(std::size_t host, unsigned short port) { hosts_.at(host).port = port; }
  unsigned short port(std::size_t host) const { return hosts_.at(host).port; }

  // A WHM API 1 request to `host`.
  SimReply handle(std::size_t host, const web::Request& request, Clock::time_point now);

  // `session` empty: the host's fault. Returns an error message.
  std::optional<std::string> set_fault(std::string_view host, std::string_view session,
                                       std::string_view name, std::string_view value);
  void clear_faults();
  // Releases every line now (of one host's or one session's sessions when named).
  std::optional<std::string> release_all(std::string_view host = {}, std::string_view session = {});

  // {"hosts":[{"name","port","style","faults","sessions":[{"id","state",...}]}]}
  std::string state_json(Clock::time_point now) const;
  // The control API: POST /faults, DELETE /faults, POST /sessions/advance, GET /state.
  web::Response control(const web::Request& request, Clock::time_point now);

 private:
  struct Session {
    SessionSpec spec;
    Playback playback;
    Faults faults;
  };
  struct Host {
    HostSpec spec;
    Faults faults;
    std::vector<Session> sessions;
    unsigned short port = 0;
  };

  Session* find_session(Host& host, std::string_view id);
  const Session* find_any_session(std::string_view id) const;
  const Session* other_session(const Session& self) const;
  std::string api_state(const Host& host, const Session& s, Clock::time_point now) const;
  std::string log_text(const Session& s, const Faults& f, Clock::time_point now) const;
  std::string xid();

  std::vector<Host> hosts_;
  std::uint64_t xid_counter_ = 0;
};

// "whm USER:TOKEN" matches (compared in constant time for equal lengths).
bool token_matches(std::optional<std::string_view> authorization, std::string_view user,
                   std::string_view token) noexcept;

}  // namespace wte::whmsim
