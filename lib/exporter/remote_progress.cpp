#include "exporter/remote_progress.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <chrono>
#include <optional>
#include <ostream>

#include "config/duration.hpp"
#include "config/host_url.hpp"
#include "config/token.hpp"
#include "error/result.hpp"
#include "log/session_state.hpp"
#include "log/summary_json.hpp"
#include "progress/progress_report.hpp"
#include "progress/status_printer.hpp"
#include "remote/log_access.hpp"
#include "sources/tracked_session.hpp"
#include "whm/session_id.hpp"
#include "whm/whm_client.hpp"

namespace wte::exporter {

const char* const kRemoteProgressUsage =
    "usage: whm_transfer_exporter progress --url https://HOST[:2087] [--user root]\n"
    "         [--token-file FILE] [--ca-file FILE | --insecure] [--timeout D]\n"
    "         [--log-wait-timeout D] [--json] [--follow] [--items] [--interval MS] SESSION_ID\n"
    "  The same report as for a log file, read over the WHM API. The WHM API token comes from\n"
    "  --token-file (mode 600) or $WHM_TRANSFER_EXPORTER_WHM_TOKEN, never from the command line.\n"
    "  --follow     poll until the session's state is final (on a server that sends the log\n"
    "               only when the session ends, one request waits for it meanwhile)\n"
    "exit status: 0 completed, no failed item; 1 completed with failed items, FAILED or\n"
    "ABORTED; 3 still running or paused; 2 usage, I/O or API error\n";

namespace {

constexpr std::string_view kTokenEnv = "WHM_TRANSFER_EXPORTER_WHM_TOKEN";

struct Options {
  std::string url;
  std::string user = "root";
  std::optional<std::string> token_file;
  std::optional<std::string> ca_file;
  bool insecure = false;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds log_wait_timeout{std::chrono::hours(48)};
  bool json = false;
  bool follow = false;
  bool items = false;
  std::chrono::milliseconds interval{5000};
  std::string session_id;
};

std::optional<std::chrono::milliseconds> duration_of(const std::string& text) {
  auto d = config::parse_duration(text);
  if (!d || *d <= std::chrono::milliseconds(0)) return std::nullopt;
  return *d;
}

std::optional<Options> parse_args(std::span<const std::string> args, std::ostream& err) {
  Options o;
  const auto fail = [&](const std::string& why) -> std::optional<Options> {
    err << "whm_transfer_exporter progress: " << why << "\n" << kRemoteProgressUsage;
    return std::nullopt;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (const auto eq = name.find('='); name.starts_with("--") && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const auto take = [&]() -> std::optional<std::string> {
      if (value) return value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (name == "--json") {
      o.json = true;
    } else if (name == "--follow" || name == "-f") {
      o.follow = true;
    } else if (name == "--items") {
      o.items = true;
    } else if (name == "--insecure") {
      o.insecure = true;
    } else if (name == "--url" || name == "--user" || name == "--token-file" ||
               name == "--ca-file" || name == "--timeout" || name == "--log-wait-timeout" ||
               name == "--interval") {
      const auto v = take();
      if (!v || v->empty()) return fail(name + " needs a value");
      if (name == "--url") o.url = *v;
      if (name == "--user") o.user = *v;
      if (name == "--token-file") o.token_file = *v;
      if (name == "--ca-file") o.ca_file = *v;
      if (name == "--timeout" || name == "--log-wait-timeout") {
        const auto d = duration_of(*v);
        if (!d) return fail(name + " needs a duration such as 30s, got \"" + *v + "\"");
        (name == "--timeout" ? o.timeout : o.log_wait_timeout) = *d;
      }
      if (name == "--interval") {
        long ms = 0;
        const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), ms);
        if (ec != std::errc() || end != v->data() + v->size() || ms < 100 || ms > 3600000) {
          return fail("--interval needs milliseconds (100 to 3600000), got \"" + *v + "\"");
        }
        o.interval = std::chrono::milliseconds(ms);
      }
    } else if (name == "--token" || name.starts_with("--token=")) {
      return fail("a token is never given on the command line: use --token-file or $" +
                  std::string(kTokenEnv));
    } else if (!name.starts_with("-") && o.session_id.empty()) {
      o.session_id = name;
    } else {
      return fail("unknown argument \"" + name + "\"");
    }
  }
  if (o.url.empty()) return fail("missing --url");
  if (o.session_id.empty()) return fail("missing SESSION_ID");
  if (!whm::is_valid_session_id(o.session_id)) {
    return fail("a session id is 1 to 64 characters of [0-9A-Za-z_]");
  }
  if (o.ca_file && o.insecure) return fail("--ca-file and --insecure exclude each other");
  return o;
}

// The token from --token-file, else from the environment; an error for people otherwise.
Result<std::string> load_whm_token(const Options& o) {
  config::TokenSource source;
  if (o.token_file) {
    source = {config::TokenSource::Kind::file, *o.token_file};
  } else {
    source = {config::TokenSource::Kind::env, std::string(kTokenEnv)};
  }
  auto token = config::load_token(source, config::TokenEnvironment::process(), false);
  if (!token.ok()) return token.error();
  return token.value().reveal();
}

// One session followed over the API: the state every interval, the log the way the server
// allows, until the state is final and the log read to its end (or once, without --follow).
class RemoteProgress {
 public:
  RemoteProgress(boost::asio::io_context& io, const Options& o, const whm::Endpoint& endpoint,
                 progress::CommandIo cio)
      : io_(io),
        o_(o),
        client_(io, endpoint),
        wait_client_(io, wait_endpoint(endpoint, o)),
        session_(endpoint.name, o.session_id),
        timer_(io),
        printer_(cio.out, progress::display_of(cio)),
        cio_(cio) {}

  void start() { poll(); }
  std::optional<int> result() const { return result_; }

 private:
  static whm::Endpoint wait_endpoint(whm::Endpoint e, const Options& o) {
    e.timeout = o.log_wait_timeout;
    return e;
  }

  void poll() {
    started_ = std::chrono::steady_clock::now();
    client_.get_session_state(o_.session_id,
                              [this](whm::Result<std::string> r) { on_state(std::move(r)); });
  }

  void on_state(whm::Result<std::string> r) {
    if (!r.ok()) return fail(r.error());
    session_.set_api_state(std::move(r).value());
    switch (remote::next_log_request(session_.is_final(), access_.access(), waiting_)) {
      case remote::LogRequest::none:
        return next_round();
      case remote::LogRequest::active_log:
        return fetch(".master.log");
      case remote::LogRequest::final_log:
        return fetch("master.log");
      case remote::LogRequest::wait_for_end:
        return wait_for_end();
    }
  }

  void fetch(std::string_view logfile) {
    const bool active = logfile != "master.log";
    client_.fetch_session_log(
        o_.session_id,
        [this, active](whm::Result<whm::LogBody> r) {
          if (!r.ok() && active && r.error().reason == whm::ErrorReason::api) {
            return wait_for_end();  // ended meanwhile, or this server refuses the running log
          }
          if (!r.ok()) return fail(r.error());
          if (active) access_.active_log_answered();
          session_.ingest_whole_log(r.value().log, 0);
          next_round();
        },
        logfile);
  }

  void wait_for_end() {
    if (!o_.follow) {
      cio_.err << "whm_transfer_exporter progress: the session is "
               << session_.state().value_or("unknown")
               << " (WHM API); this server sends the log of a running session only when it "
                  "ends: run with --follow to wait for it\n";
      return done();
    }
    if (waiting_) return next_round();
    waiting_ = true;
    const auto sent = std::chrono::steady_clock::now();
    wait_client_.fetch_session_log(o_.session_id, [this, sent](whm::Result<whm::LogBody> r) {
      waiting_ = false;
      if (!r.ok()) return fail(r.error());
      session_.ingest_whole_log(r.value().log, 0);
      access_.wait_answered(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - sent),
                            o_.timeout, log::is_final_state(session_.log().info().state));
      if (session_.is_final()) done();
    });
    next_round();
  }

  void next_round() {
    if (result_) return;
    if (!o_.follow || (session_.is_final() && !waiting_)) return done();
    if (!o_.json) printer_.show(session_.log().model());
    timer_.expires_at(started_ + o_.interval);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec && !result_) poll();
    });
  }

  void done() {
    if (result_) return;
    session_.finish_log();
    const auto& model = session_.log().model();
    if (o_.json) {
      cio_.out << log::summary_json(model) << "\n";
    } else {
      progress::ReportOptions r;
      r.items = o_.items;
      printer_.finish(model, r);
    }
    result_ = progress::exit_status(session_.state().value_or(model.info().state), model);
    stop();
  }

  void fail(const whm::ApiError& e) {
    if (result_) return;
    cio_.err << "whm_transfer_exporter progress: " << whm::to_string(e.reason) << ": " << e.message
             << "\n";
    result_ = 2;
    stop();
  }

  void stop() {
    timer_.cancel();
    client_.cancel_all();
    wait_client_.cancel_all();
  }

  boost::asio::io_context& io_;
  const Options& o_;
  whm::WhmClient client_;
  whm::WhmClient wait_client_;
  sources::TrackedSession session_;
  remote::HostLogAccess access_;
  bool waiting_ = false;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point started_;
  progress::StatusPrinter printer_;
  progress::CommandIo cio_;
  std::optional<int> result_;
};

}  // namespace

bool is_remote_progress(std::span<const std::string> args) {
  for (const auto& a : args) {
    if (a == "--url" || a.starts_with("--url=")) return true;
  }
  return false;
}

int run_remote_progress(std::span<const std::string> args, progress::CommandIo io) {
  const auto o = parse_args(args, io.err);
  if (!o) return 2;
  const auto parsed_url = config::parse_host_url(o->url, "2087");
  if (!parsed_url.ok()) {
    io.err << "whm_transfer_exporter progress: --url: " << parsed_url.error().message << "\n";
    return 2;
  }
  const config::HostUrl& url = parsed_url.value();
  auto token = load_whm_token(*o);
  if (!token.ok()) {
    io.err << "whm_transfer_exporter progress: " << token.error().message << "\n";
    return 2;
  }
  whm::Endpoint endpoint;
  endpoint.name = url.host;
  endpoint.host = url.host;
  endpoint.port = url.port;
  endpoint.user = o->user;
  endpoint.token = std::move(token).value();
  endpoint.ca_file = o->ca_file;
  endpoint.tls_insecure_skip_verify = o->insecure;
  endpoint.timeout = o->timeout;
  if (o->insecure) {
    io.err << "whm_transfer_exporter progress: warning: --insecure: the server's certificate is "
              "not checked\n";
  }
  boost::asio::io_context ctx;
  RemoteProgress p(ctx, *o, endpoint, io);
  p.start();
  ctx.run();
  return p.result().value_or(2);
}

}  // namespace wte::exporter
