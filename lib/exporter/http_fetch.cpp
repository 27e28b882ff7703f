#include "exporter/http_fetch.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <memory>

#include "whm/tls_context.hpp"

namespace wte::exporter {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using boost::system::error_code;

namespace {

struct Target {
  std::string host;
  std::string port;
  std::string path;  // with the query
  bool tls = false;
  std::string where() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  }
};

Error failure(std::string message) {
  return Error{std::move(message)};
}

// ec.message() alone: what_() of a system_error appends the category and a source location.
std::string reason(const error_code& ec) {
  if (ec == beast::error::timeout) return "no answer within the timeout";
  return ec.message();
}

// Why the server's certificate was refused, when that is what failed.
std::string handshake_error(const error_code& ec, SSL* ssl, const Target& t) {
  std::string message = "TLS handshake with " + t.where() + " failed: " + reason(ec);
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    message += std::string(" (") + X509_verify_cert_error_string(verify) +
               "); give the CA that signed the exporter's certificate with --ca-file";
  }
  return message;
}

using SharedOutcome = std::shared_ptr<std::optional<Result<FetchResponse>>>;

// One request, step by step on the io_context (not coroutines: clang 14 cannot build them
// with AddressSanitizer). Each handler holds the exchange; the first outcome is kept.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(net::io_context& io, const FetchRequest& r, Target t, SharedOutcome result)
      : r_(r), t_(std::move(t)), result_(std::move(result)), resolver_(io), tcp_(io) {}

  void start() {
    resolver_.async_resolve(
        t_.host, t_.port,
        [self = shared_from_this()](const error_code& ec, net::ip::tcp::resolver::results_type e) {
          self->on_resolve(ec, e);
        });
  }

 private:
  void finish(Result<FetchResponse> response) {
    if (!*result_) *result_ = std::move(response);
  }

  void on_resolve(const error_code& ec, const net::ip::tcp::resolver::results_type& endpoints) {
    if (ec) return finish(failure("cannot resolve " + t_.host + ": " + reason(ec)));
    tcp_.expires_after(r_.timeout);  // one deadline for connect, handshake, write and read
    tcp_.async_connect(
        endpoints, [self = shared_from_this()](const error_code& e, const net::ip::tcp::endpoint&) {
          self->on_connect(e);
        });
  }

  void on_connect(const error_code& ec) {
    if (ec) return finish(failure("cannot connect to " + t_.where() + ": " + reason(ec)));
    if (!t_.tls) return send(tcp_);
    auto& ctx = ctx_.emplace(net::ssl::context::tls_client);
    error_code ca_ec;
    if (r_.insecure) {
      ctx.set_verify_mode(net::ssl::verify_none);
    } else {
      ctx.set_verify_mode(net::ssl::verify_peer);
      if (r_.ca_file) {
        ctx.load_verify_file(*r_.ca_file, ca_ec);
        if (ca_ec) {
          return finish(failure("cannot load the CA file " + *r_.ca_file + ": " + reason(ca_ec)));
        }
      } else {
        // A static binary knows no CA store of its own: the host's, as the daemon finds it.
        if (auto loaded = whm::use_system_trust_store(ctx); !loaded.ok()) {
          return finish(failure("cannot load the CA store " + loaded.error().message));
        }
      }
    }
    auto& stream = tls_.emplace(std::move(tcp_), ctx);
    if (!r_.insecure) stream.set_verify_callback(net::ssl::host_name_verification(t_.host));
    SSL_set_tlsext_host_name(stream.native_handle(), t_.host.c_str());
    stream.async_handshake(
        net::ssl::stream_base::client, [self = shared_from_this()](const error_code& e) {
          if (e) {
            return self->finish(failure(handshake_error(e, self->tls_->native_handle(), self->t_)));
          }
          self->send(*self->tls_);
        });
  }

  template <class Stream>
  void send(Stream& stream) {
    request_.method(http::string_to_verb(r_.method));
    request_.target(t_.path);
    request_.version(11);
    request_.set(http::field::host, t_.host);
    request_.set(http::field::user_agent, "whm_transfer_exporter-cli");
    for (const auto& [k, v] : r_.headers) request_.set(k, v);
    if (!r_.body.empty()) {
      request_.set(http::field::content_type, "application/json");
      request_.body() = r_.body;
    }
    request_.prepare_payload();
    http::async_write(
        stream, request_, [self = shared_from_this(), &stream](const error_code& ec, std::size_t) {
          if (ec) {
            return self->finish(
                failure("cannot send the request to " + self->t_.where() + ": " + reason(ec)));
          }
          self->receive(stream);
        });
  }

  template <class Stream>
  void receive(Stream& stream) {
    parser_.body_limit(64u << 20);
    http::async_read(
        stream, buffer_, parser_, [self = shared_from_this()](const error_code& ec, std::size_t) {
          if (ec) {
            return self->finish(
                failure("no valid HTTP answer from " + self->t_.where() + ": " + reason(ec)));
          }
          self->finish(FetchResponse{self->parser_.get().result_int(), self->parser_.get().body()});
        });
  }

  const FetchRequest& r_;
  Target t_;
  SharedOutcome result_;
  net::ip::tcp::resolver resolver_;
  beast::tcp_stream tcp_;
  std::optional<net::ssl::context> ctx_;  // before the stream that uses it
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

}  // namespace

Result<FetchResponse> http_fetch(const FetchRequest& r) {
  const auto url = boost::urls::parse_uri(r.url);
  if (!url) return failure("invalid URL: " + r.url);
  Target t;
  t.tls = url->scheme() == "https";
  if (!t.tls && url->scheme() != "http")
    return failure("the URL must start with http:// or https://");
  t.host = url->host_address();
  t.port = url->has_port() ? std::string(url->port()) : (t.tls ? "443" : "80");
  t.path = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
  if (url->has_query()) t.path += "?" + std::string(url->encoded_query());

  // The handlers own the exchange; one still pending at the deadline is destroyed with the
  // io_context, and only `result` outlives it.
  const auto result = std::make_shared<std::optional<Result<FetchResponse>>>();
  {
    net::io_context io;
    std::make_shared<Exchange>(io, r, t, result)->start();
    // The deadline covers resolving too, which tcp_stream's own timer does not.
    io.run_for(r.timeout + std::chrono::milliseconds(500));
  }
  if (!*result) return failure("no answer from " + t.where() + " within the timeout");
  return std::move(**result);
}

std::string basic_authorization(std::string_view user, std::string_view password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string plain = std::string(user) + ":" + std::string(password);
  std::string out = "Basic ";
  for (std::size_t i = 0; i < plain.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, plain.size() - i);
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      v = (v << 8) | (j < n ? static_cast<unsigned char>(plain[i + j]) : 0u);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      out += j <= n ? kAlphabet[(v >> (18 - 6 * j)) & 0x3F] : '=';
    }
  }
  return out;
}

}  // namespace wte::exporter
