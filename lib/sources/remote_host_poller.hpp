#pragma once
// Polls one WHM server for the sessions it watches: every interval, for each session not
// yet finished, get_transfer_session_state then fetch_transfer_session_log, and feeds the
// new bytes to the session's engine. All on the event loop; never blocks; a slow or failing
// host only delays itself (its requests have deadlines, it backs off alone).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "log/master_log.hpp"
#include "sources/request_limiter.hpp"
#include "sources/status_source.hpp"
#include "sources/tracked_session.hpp"
#include "whm/tls_context.hpp"
#include "whm/whm_client.hpp"

namespace wte::metrics {
class ExporterMetrics;
}
namespace wte::logging {
class Logger;
}

namespace wte::sources {

struct RemoteHostSettings {
  whm::Endpoint endpoint;  // name, address, user, token, TLS, timeout, limits
  std::chrono::milliseconds interval{15000};
  std::chrono::milliseconds finished_retention{std::chrono::hours(24)};
  log::EngineLimits engine_limits;
  std::size_t max_sessions = 1000;
};

class RemoteHostPoller : public std::enable_shared_from_this<RemoteHostPoller> {
 public:
  // `tls_contexts` shares TLS contexts between hosts; it must outlive the poller.
  RemoteHostPoller(boost::asio::io_context& io, RemoteHostSettings settings,
                   RequestLimiter& limiter, whm::TlsContextCache& tls_contexts,
                   metrics::ExporterMetrics& metrics, logging::Logger& logger);
  ~RemoteHostPoller();
  RemoteHostPoller(const RemoteHostPoller&) = delete;
  RemoteHostPoller& operator=(const RemoteHostPoller&) = delete;

  // The sessions to watch (configured and registered). Sessions that stay keep their state;
  // new ones are read from byte 0; the others are dropped. Returns how many were refused by
  // max_sessions.
  std::size_t set_sessions(const std::vector<std::string>& ids);
  // New settings on reload; the connection pool is rebuilt only if the endpoint changed.
  void update_settings(RemoteHostSettings settings);

  void start(std::chrono::milliseconds initial_delay);
  void stop();

  const std::string& name() const noexcept { return settings_.endpoint.name; }
  HostView view() const;
  void for_each_session(const std::function<void(const SessionView&)>& visit) const;
  std::size_t session_count() const noexcept { return sessions_.size(); }
  const whm::ClientStats& client_stats() const;

 private:
  struct Round {
    std::uint64_t id = 0;
    std::chrono::steady_clock::time_point started;
    std::size_t pending = 0;
    std::size_t errors = 0;
    std::string first_error_reason;
    std::string first_error_message;
  };

  void schedule(std::chrono::milliseconds delay);
  void start_round();
  void poll_session(const std::string& id);
  void fetch_log(const std::string& id);
  void on_state(const std::string& id, whm::Result<std::string> result);
  void on_log(const std::string& id, whm::Result<whm::LogBody> result);
  void on_error(const std::string& id, const whm::ApiError& error);
  void session_done();
  void report_client_stats();
  void finish_round();
  void expire_finished(double now);
  TrackedSession* find(const std::string& id);

  boost::asio::io_context& io_;
  RemoteHostSettings settings_;
  RequestLimiter& limiter_;
  whm::TlsContextCache& tls_contexts_;
  metrics::ExporterMetrics& metrics_;
  logging::Logger& logger_;
  std::unique_ptr<whm::WhmClient> client_;
  std::uint64_t handshakes_reported_ = 0;  // of client_'s stats, already added to the metric
  boost::asio::steady_timer timer_;
  std::map<std::string, TrackedSession> sessions_;
  std::set<std::string> expired_;  // finished past retention: not polled again
  Round round_;
  bool running_ = false;
  bool in_round_ = false;
  unsigned consecutive_failures_ = 0;
  // What the host view shows.
  bool up_ = false;
  std::optional<double> last_success_;
  std::optional<double> last_poll_;
  double last_duration_ = 0;
  std::string last_error_reason_;
  std::string last_error_message_ = "not polled yet";
};

double unix_now();

}  // namespace wte::sources
