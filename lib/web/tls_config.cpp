#include "web/tls_config.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace wte::web {
namespace {

namespace ssl = boost::asio::ssl;

Error failure(const std::string& what, const std::string& file,
              const boost::system::error_code& ec) {
  return Error{"TLS: cannot " + what + " '" + file + "': " + ec.message()};
}

Status<> load_client_ca(ssl::context& ctx, const TlsServerFiles& files) {
  const std::string& ca = *files.client_ca_file;
  boost::system::error_code ec;
  ctx.load_verify_file(ca, ec);
  if (ec) return failure("load client CA file", ca, ec);
  // Tell clients which CAs we accept, so they pick the right certificate.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca.c_str())) {
    SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
  }
  ERR_clear_error();
  const ClientAuth policy =
      files.client_auth == ClientAuth::none ? ClientAuth::require_and_verify : files.client_auth;
  ssl::verify_mode mode = ssl::verify_peer;
  if (policy == ClientAuth::require_and_verify) mode |= ssl::verify_fail_if_no_peer_cert;
  ctx.set_verify_mode(mode);
  return done;
}

}  // namespace

Result<ssl::context> make_server_tls_context(const TlsServerFiles& files) {
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use | ssl::context::no_compression);
  const int min = files.min_version == TlsVersion::tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx.native_handle(), min);

  boost::system::error_code ec;
  ctx.use_certificate_chain_file(files.cert_file, ec);
  if (ec) return failure("load certificate file", files.cert_file, ec);
  ctx.use_private_key_file(files.key_file, ssl::context::pem, ec);
  if (ec) return failure("load private key file", files.key_file, ec);
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    ERR_clear_error();
    return Error{"TLS: the private key '" + files.key_file + "' does not match the certificate '" +
                 files.cert_file + "'"};
  }
  if (files.client_ca_file) {
    if (auto loaded = load_client_ca(ctx, files); !loaded.ok()) return loaded.error();
  }
  return ctx;
}

}  // namespace wte::web
