#pragma once
// The simulated WHM servers: hosts with their token, response style, log access and
// faults, each with transfer sessions that play a master log over time. It answers the two
// WHM API 1 calls the exporter makes and the simulator's control API, and counts the log
// requests it holds open. Pure: no sockets, no clocks (time is passed in); the server
// wiring (sim_server.hpp) carries out delays, hangs and held requests.
#include <chrono>
#include <cstdint>
#include <map>
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

// How fetch_transfer_session_log treats the master log while the session is active (its
// log is `.master.log` on the server until the session ends and it is renamed `master.log`;
// docs/LOG-FORMAT.md):
// - modern: cPanel as its code reads. `master.log` waits (holding a worker) until the session
//   ends, then answers with the whole log; `.master.log` answers at once with the log
//   written so far, and once the session has ended is not found.
// - old: an older server. `master.log` answers at once with the log so far; `.master.log` is
//   not found.
// - no_dotted: a server that refuses the dotted name (`.master.log` is always an error);
//   `master.log` waits for the end as in modern.
// For a session that has ended, `master.log` answers at once with the whole log in all three.
enum class LogAccess { modern, old, no_dotted };
std::optional<LogAccess> parse_log_access(std::string_view name);
std::string_view log_access_name(LogAccess access) noexcept;

struct HostSpec {
  std::string name;  // "sim0"
  std::string user = "root";
  std::string token;  // a secret: never in a response, the state or a message
  ResponseStyle style = ResponseStyle::modern;
  bool documented_states = false;  // TRANSFER_INPROGRESS etc. instead of RUNNING
  LogAccess log_access = LogAccess::modern;
};

struct SessionSpec {
  std::string id;
  std::string log;  // the whole master log
  double lines_per_second = 20;
  Clock::time_point start;               // PENDING before
  std::optional<std::string> end_state;  // the API state once the whole log is out
};

// A log request the world holds open until its session ends, as a cpsrvd worker does.
using HeldId = std::uint64_t;

// An answer and how to deliver it.
struct SimReply {
  web::Response response;
  std::chrono::milliseconds delay{0};
  bool never = false;                      // hold the connection, never answer
  std::optional<HeldId> held;              // held until the session ends: see answer_held()
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

  // A WHM API 1 request to `host`. A reply with `held` set has no response yet: the world
  // holds the request (and counts it) until answer_held() gives its answer.
  SimReply handle(std::size_t host, const web::Request& request, Clock::time_point now);
  // The answer to a held request once its session has ended (or whatever held it no longer
  // does), then the request is no longer held; nothing while it still waits.
  std::optional<SimReply> answer_held(HeldId id, Clock::time_point now);
  // The held request's client hung up. Like cpsrvd's worker, which writes nothing while it
  // waits, the world keeps holding (and counting) it until its session ends; it only stops
  // counting it as connected.
  void held_client_gone(HeldId id);
  // Forgets every held request (the server stopped).
  void drop_held() noexcept;

  // `host` empty: every host. Returns an error message.
  std::optional<std::string> set_log_access(std::string_view host, std::string_view access);
  // Each session's max_held_log_requests restarts from the requests held now (of one host's
  // or one session's sessions when named).
  std::optional<std::string> reset_max_held(std::string_view host = {},
                                            std::string_view session = {});

  // `session` empty: the host's fault. Returns an error message.
  std::optional<std::string> set_fault(std::string_view host, std::string_view session,
                                       std::string_view name, std::string_view value);
  void clear_faults();
  // Releases every line now (of one host's or one session's sessions when named).
  std::optional<std::string> release_all(std::string_view host = {}, std::string_view session = {});

  // {"hosts":[{"name","port","style","log_access","faults","sessions":[{"id","state",
  // "held_log_requests","held_log_requests_connected","max_held_log_requests",...}]}]}
  std::string state_json(Clock::time_point now) const;
  // The control API: POST /faults, DELETE /faults, POST /sessions/advance, GET /state,
  // POST /log_access {"host"?,"log_access"}, POST /held/reset_max {"host"?,"session"?}.
  web::Response control(const web::Request& request, Clock::time_point now);

 private:
  struct Session {
    SessionSpec spec;
    Playback playback;
    Faults faults;
    std::size_t held = 0;            // log requests held open now
    std::size_t held_connected = 0;  // of which the client is still connected
    std::size_t max_held = 0;        // the most held at once, since start or a reset
  };
  struct Held {
    std::size_t host, session;
    web::Request request;
    bool connected = true;
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
  // The session has ended and its log is whole (`master.log` exists on the server).
  bool log_ended(const Session& s, Clock::time_point now) const;
  // The active log as a reader finds it: may end in a line being written.
  std::string_view written_text(const Session& s, Clock::time_point now) const;
  std::string log_text(const Session& s, const Faults& f, Clock::time_point now) const;
  // The reply, or nothing: the request must wait for the session's end.
  std::optional<SimReply> answer(Host& host, const web::Request& request, Clock::time_point now);
  struct LogAnswer {
    bool wait = false;                   // hold the request until the session ends
    std::optional<std::string> failure;  // result 0 with this reason
    std::string log;
  };
  // fetch_transfer_session_log of `logfile` for a known session, as the host's log access
  // answers it.
  LogAnswer log_call(const Host& host, const Session& s, const Faults& f, std::string_view logfile,
                     Clock::time_point now);
  // Calls f on each session (of one host's or one session's when named).
  template <class F>
  std::optional<std::string> for_sessions(std::string_view host, std::string_view session, F f);
  HeldId hold(std::size_t host, const web::Request& request);
  void unhold(const Held& held) noexcept;
  std::string xid();

  std::vector<Host> hosts_;
  std::map<HeldId, Held> held_;
  HeldId next_held_ = 1;
  std::uint64_t xid_counter_ = 0;
};

// "whm USER:TOKEN" matches (compared in constant time for equal lengths).
bool token_matches(std::optional<std::string_view> authorization, std::string_view user,
                   std::string_view token) noexcept;

}  // namespace wte::whmsim
