#pragma once
// An in-process HTTPS server for the client tests, on 127.0.0.1:0 and on the test's own
// io_context (no threads). Each request is answered by a callback that chooses a canned
// behaviour: a normal answer (plain or chunked), silence, a body cut short, or a close.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wte::whm::test {

struct SeenRequest {
  std::string target;
  std::string authorization;
  std::string host;
  std::string user_agent;
  std::size_t connection = 0;  // 1-based index of the accepted connection
};

enum class Action {
  respond,        // send the answer, keep the connection open
  respond_close,  // send the answer (still saying keep-alive), then drop the connection
  never_answer,   // read the request and stay silent
  cut_mid_body,   // announce `body.size() * 2` bytes, send `body`, then drop the connection
};

struct Reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  bool chunked = false;
  Action action = Action::respond;
  std::chrono::milliseconds delay{0};  // wait this long before answering
  // A hostile server: after the answer, wait `extra_after`, then send a second, unrequested
  // 200 answer with this body on the same connection (and only then read the next request).
  std::optional<std::string> extra_body = std::nullopt;
  std::chrono::milliseconds extra_after{0};
};

class TlsTestServer {
 public:
  using Handler = std::function<Reply(const SeenRequest&)>;

  TlsTestServer(boost::asio::io_context& io, const std::string& cert_file,
                const std::string& key_file, Handler handler);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  std::string port() const;
  void stop();  // closes the listener and every connection

  struct State;  // shared with the sessions

  const std::vector<SeenRequest>& requests() const;
  std::size_t connections_accepted() const;
  std::size_t connections_closed() const;
  std::size_t max_concurrent_connections() const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace wte::whm::test
