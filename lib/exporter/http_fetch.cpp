#include "exporter/http_fetch.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

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

FetchResponse failure(std::string message) {
  return {0, "", std::move(message)};
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

template <class Stream>
net::awaitable<FetchResponse> exchange(Stream& stream, const FetchRequest& r, const Target& t) {
  http::request<http::string_body> req;
  req.method(http::string_to_verb(r.method));
  req.target(t.path);
  req.version(11);
  req.set(http::field::host, t.host);
  req.set(http::field::user_agent, "whm_transfer_exporter-cli");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (!r.body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = r.body;
  }
  req.prepare_payload();
  error_code ec;
  co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return failure("cannot send the request to " + t.where() + ": " + reason(ec));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return failure("no valid HTTP answer from " + t.where() + ": " + reason(ec));
  co_return FetchResponse{parser.get().result_int(), parser.get().body(), ""};
}

net::awaitable<FetchResponse> fetch(const FetchRequest& r, const Target& t) {
  const auto executor = co_await net::this_coro::executor;
  error_code ec;
  net::ip::tcp::resolver resolver(executor);
  const auto endpoints =
      co_await resolver.async_resolve(t.host, t.port, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return failure("cannot resolve " + t.host + ": " + reason(ec));
  beast::tcp_stream tcp(executor);
  tcp.expires_after(r.timeout);
  co_await tcp.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return failure("cannot connect to " + t.where() + ": " + reason(ec));
  if (!t.tls) co_return co_await exchange(tcp, r, t);

  net::ssl::context ctx(net::ssl::context::tls_client);
  if (r.insecure) {
    ctx.set_verify_mode(net::ssl::verify_none);
  } else {
    ctx.set_verify_mode(net::ssl::verify_peer);
    if (r.ca_file) {
      ctx.load_verify_file(*r.ca_file, ec);
      if (ec) co_return failure("cannot load the CA file " + *r.ca_file + ": " + reason(ec));
    } else {
      ctx.set_default_verify_paths(ec);
    }
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), ctx);
  if (!r.insecure) stream.set_verify_callback(net::ssl::host_name_verification(t.host));
  SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str());
  co_await stream.async_handshake(net::ssl::stream_base::client,
                                  net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return failure(handshake_error(ec, stream.native_handle(), t));
  co_return co_await exchange(stream, r, t);
}

}  // namespace

FetchResponse http_fetch(const FetchRequest& r) {
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

  // Declared before the io_context: a coroutine still pending at the deadline is destroyed
  // with it, and must not outlive what its completion handler refers to.
  std::optional<FetchResponse> response;
  net::io_context io;
  net::co_spawn(io, fetch(r, t), [&](std::exception_ptr e, FetchResponse result) {
    if (!e) {
      response = std::move(result);
      return;
    }
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& error) {
      response = failure(t.where() + ": " + reason(error.code()));
    } catch (const std::exception& error) {
      response = failure(t.where() + ": " + error.what());
    }
  });
  // The deadline covers resolving too, which tcp_stream's own timer does not.
  io.run_for(r.timeout + std::chrono::milliseconds(500));
  if (!response) return failure("no answer from " + t.where() + " within the timeout");
  return std::move(*response);
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
