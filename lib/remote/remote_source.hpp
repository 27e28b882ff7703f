#pragma once
// One WHM server polled over its API for the sessions it watches (configured and registered):
// every interval, for each session not yet finished, get_transfer_session_state, then its log
// the way this server allows (log_access.hpp): `.master.log` while the session runs,
// `master.log` once it has ended, or, where the running log cannot be read, one `master.log`
// request held by the server until the end. The new bytes go to the session's engine. All
// on the event loop; never blocks; a slow or failing host only delays itself (its requests
// have deadlines, it backs off alone).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "log/master_log.hpp"
#include "remote/log_access.hpp"
#include "remote/request_limiter.hpp"
#include "sources/host_status.hpp"
#include "sources/session_set.hpp"
#include "sources/source.hpp"
#include "whm/tls_context.hpp"
#include "whm/whm_client.hpp"

namespace wte::remote {

struct RemoteSettings {
  whm::Endpoint endpoint;             // name, address, user, token, TLS, timeout, limits
  std::vector<std::string> sessions;  // from the config; registered ones come separately
  std::chrono::milliseconds interval{15000};
  std::chrono::milliseconds initial_delay{0};  // spreads the hosts' first polls
  std::chrono::milliseconds finished_retention{std::chrono::hours(24)};
  // The deadline of a master.log request that the server holds until the session ends.
  std::chrono::milliseconds log_wait_timeout{std::chrono::hours(48)};
  // With no session to poll, how often one cheap call checks the host and the token.
  std::chrono::milliseconds idle_check_interval{std::chrono::minutes(5)};
  log::EngineLimits engine_limits;
  std::size_t max_sessions = 1000;
};

class RemoteSource final : public sources::Source,
                           public std::enable_shared_from_this<RemoteSource> {
 public:
  // `limiter` and `tls_contexts` are shared by every remote source and outlive them.
  RemoteSource(const sources::SourceContext& context, RemoteSettings settings,
               RequestLimiter& limiter, whm::TlsContextCache& tls_contexts);
  ~RemoteSource() override;
  RemoteSource(const RemoteSource&) = delete;
  RemoteSource& operator=(const RemoteSource&) = delete;

  const std::string& name() const noexcept override { return settings_.endpoint.name; }
  void start() override;
  void stop() override;
  bool accepts_registrations() const noexcept override { return true; }
  void set_registered_sessions(const std::vector<std::string>& ids) override;
  void for_each_host(const std::function<void(const sources::HostView&)>& visit) const override;
  void for_each_session(
      const std::function<void(const sources::SessionView&)>& visit) const override;

  // New settings on reload; the connection pool is rebuilt only if the endpoint changed.
  void update_settings(RemoteSettings settings);

 private:
  struct Entry {
    Entry(const std::string& host, const std::string& id, const log::EngineLimits& limits)
        : session(host, id, limits) {}
    sources::TrackedSession session;
    // When the master.log request that the server may still hold was sent (at most one).
    std::optional<sources::Clock::Monotonic::time_point> wait_sent;
  };
  struct Round {
    sources::Clock::Monotonic::time_point started;
    std::size_t pending = 0;
    std::size_t errors = 0;
    sources::PollProblem first_error;
  };

  std::unique_ptr<whm::WhmClient> make_client(const whm::Endpoint& endpoint);
  whm::Endpoint wait_endpoint() const;
  void watch_sessions();
  void schedule(std::chrono::milliseconds delay);
  void start_round();
  void idle_round();
  void poll_session(const std::string& id);
  void fetch_log(const std::string& id, std::string_view logfile);
  void start_wait(Entry& e);
  void on_state(const std::string& id, whm::Result<std::string> result);
  void on_active_log(const std::string& id, whm::Result<whm::LogBody> result);
  void on_final_log(const std::string& id, whm::Result<whm::LogBody> result);
  void on_wait_answer(const std::string& id, whm::Result<whm::LogBody> result);
  void ingest(Entry& e, std::string_view log);
  void finish(Entry& e);
  void on_error(const std::string& id, const whm::ApiError& error);
  void session_done();
  void finish_round();

  boost::asio::io_context& io_;
  sources::Recorder& recorder_;
  logging::Logger& logger_;
  const sources::Clock& clock_;
  RemoteSettings settings_;
  std::vector<std::string> registered_;
  RequestLimiter& limiter_;
  whm::TlsContextCache& tls_contexts_;
  std::unique_ptr<whm::WhmClient> client_;
  // Its own pool for master.log requests that wait for a session's end: each holds a
  // connection for as long as the session runs, and must not starve the state calls.
  std::unique_ptr<whm::WhmClient> wait_client_;
  std::uint64_t wait_generation_ = 0;  // of wait_client_: answers of a replaced one are ignored
  HostLogAccess log_access_;
  boost::asio::steady_timer timer_;
  sources::SessionSet<Entry> sessions_;
  sources::HostStatus status_;
  Round round_;
  std::optional<sources::Clock::Monotonic::time_point> last_idle_check_;
  bool running_ = false;
  bool in_round_ = false;
  unsigned consecutive_failures_ = 0;
};

}  // namespace wte::remote
