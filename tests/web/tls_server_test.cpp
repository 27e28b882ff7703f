#include <doctest/doctest.h>

#include <boost/asio/ssl.hpp>
#include <fstream>

#include "support/test_pki.hpp"
#include "test_server.hpp"
#include "web/http_server.hpp"

namespace wte::web::test {
namespace {

namespace ssl = boost::asio::ssl;
using wte::test::CertFiles;
using wte::test::TestPki;

AsyncHandler secure_handler() {
  return make_async([](const Request& r) { return Response::text(200, "secure " + r.path); });
}

// A client context that trusts `ca_file` and checks the name "localhost".
ssl::context client_context(const std::string& ca_file) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(ca_file);
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification("localhost"));
  return ctx;
}

TlsServerFiles tls_files(const std::string& cert, const std::string& key,
                         std::optional<std::string> client_ca = std::nullopt) {
  TlsServerFiles files;
  files.cert_file = cert;
  files.key_file = key;
  files.client_ca_file = std::move(client_ca);
  return files;
}

}  // namespace

TEST_CASE("HTTPS: a verified client gets its answer; plain HTTP is refused") {
  TestPki pki;
  const CertFiles server_cert = pki.issue("localhost");
  ServerOptions options = test_options();
  options.tls = tls_files(server_cert.cert, server_cert.key);
  ServerThread server(options, secure_handler());

  ssl::context ctx = client_context(pki.ca_file());
  TlsClient client(ctx);
  REQUIRE(client.connect(server.port()));
  auto r = client.request("GET", "/metrics");
  REQUIRE(r);
  CHECK(r->result_int() == 200);
  CHECK(r->body() == "secure /metrics");
  auto again = client.request("GET", "/again");  // keep-alive over TLS
  REQUIRE(again);
  CHECK(again->body() == "secure /again");
  CHECK(server.stats().tls_handshake_failures == 0);

  Client plain;
  REQUIRE(plain.connect(server.port()));
  REQUIRE(plain.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK_FALSE(plain.read(false, 1500ms));  // no HTTP answer, just a closed connection
  CHECK(server.stats().tls_handshake_failures == 1);
  CHECK(server.stats().requests == 2);
}

TEST_CASE("HTTPS: min_version TLS13 refuses a TLS 1.2 client") {
  TestPki pki;
  const CertFiles cert = pki.issue("localhost");
  ServerOptions options = test_options();
  options.tls = tls_files(cert.cert, cert.key);
  options.tls->min_version = TlsVersion::tls13;
  ServerThread server(options, secure_handler());

  ssl::context old = client_context(pki.ca_file());
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_2_VERSION);
  TlsClient old_client(old);
  CHECK_FALSE(old_client.connect(server.port()));

  ssl::context modern = client_context(pki.ca_file());
  TlsClient modern_client(modern);
  REQUIRE(modern_client.connect(server.port()));
  CHECK(modern_client.request("GET", "/"));
  CHECK(server.stats().tls_handshake_failures == 1);
}

TEST_CASE("HTTPS: a client certificate is required when a client CA is configured") {
  TestPki pki;
  const CertFiles server_cert = pki.issue("localhost");
  const CertFiles client_cert = pki.issue("scraper");
  ServerOptions options = test_options();
  options.tls = tls_files(server_cert.cert, server_cert.key, pki.ca_file());
  ServerThread server(options, secure_handler());

  {
    ssl::context anonymous = client_context(pki.ca_file());
    TlsClient client(anonymous);
    // With TLS 1.3 the server's refusal may arrive only after the client's handshake.
    const bool connected = client.connect(server.port());
    CHECK_FALSE((connected && client.request("GET", "/")));
  }
  ssl::context with_cert = client_context(pki.ca_file());
  with_cert.use_certificate_chain_file(client_cert.cert);
  with_cert.use_private_key_file(client_cert.key, ssl::context::pem);
  TlsClient client(with_cert);
  REQUIRE(client.connect(server.port()));
  auto r = client.request("GET", "/");
  REQUIRE(r);
  CHECK(r->body() == "secure /");
}

TEST_CASE("HTTPS: unreadable or mismatched files fail start() naming the file") {
  TestPki pki;
  const CertFiles a = pki.issue("a");
  const CertFiles b = pki.issue("b");
  net::io_context io;

  ServerOptions missing = test_options();
  missing.tls = tls_files((pki.dir() / "none.crt").string(), a.key);
  HttpServer s1(io, missing, secure_handler());
  const auto started1 = s1.start();
  REQUIRE_FALSE(started1.ok());
  CHECK(started1.error().message.find("none.crt") != std::string::npos);

  ServerOptions mismatched = test_options();
  mismatched.tls = tls_files(a.cert, b.key);
  HttpServer s2(io, mismatched, secure_handler());
  const auto started2 = s2.start();
  REQUIRE_FALSE(started2.ok());
  CHECK(started2.error().message.find("b.key") != std::string::npos);
}

}  // namespace wte::web::test
