#include "exporter/http_fetch.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <stdexcept>

#include "whm/tls_context.hpp"

namespace wte::exporter {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

template <class Stream>
FetchResponse exchange(Stream& stream, const FetchRequest& r, const std::string& host,
                       const std::string& target) {
  http::request<http::string_body> req;
  req.method(http::string_to_verb(r.method));
  req.target(target);
  req.version(11);
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "whm_transfer_exporter-cli");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (!r.body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = r.body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  http::read(stream, buffer, parser);
  return {parser.get().result_int(), parser.get().body(), ""};
}

}  // namespace

FetchResponse http_fetch(const FetchRequest& r) {
  const auto url = boost::urls::parse_uri(r.url);
  if (!url) return {0, "", "invalid URL: " + r.url};
  const bool tls = url->scheme() == "https";
  if (!tls && url->scheme() != "http") return {0, "", "URL must be http:// or https://"};
  const std::string host = url->host_address();
  const std::string port = url->has_port() ? std::string(url->port()) : (tls ? "443" : "80");
  std::string target = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  try {
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(host, port);
    beast::tcp_stream tcp(io);
    tcp.expires_after(r.timeout);
    if (!tls) {
      tcp.connect(endpoints);
      return exchange(tcp, r, host, target);
    }
    net::ssl::context ctx(net::ssl::context::tls_client);
    if (r.insecure) {
      ctx.set_verify_mode(net::ssl::verify_none);
    } else {
      ctx.set_verify_mode(net::ssl::verify_peer);
      if (r.ca_file) {
        ctx.load_verify_file(*r.ca_file);
      } else {
        boost::system::error_code ec;
        std::string what;
        whm::use_system_trust_store(ctx, ec, what);
        if (ec) throw std::runtime_error("cannot load the CA store " + what + ": " + ec.message());
      }
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), ctx);
    if (!r.insecure) stream.set_verify_callback(net::ssl::host_name_verification(host));
    SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(net::ssl::stream_base::client);
    return exchange(stream, r, host, target);
  } catch (const std::exception& e) {
    return {0, "", e.what()};
  }
}

}  // namespace wte::exporter
