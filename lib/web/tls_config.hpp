#pragma once
// The server side of TLS: which files, which client-certificate policy, which minimum
// version. TLS 1.0 and 1.1 are never offered.
#include <boost/asio/ssl/context.hpp>
#include <optional>
#include <string>

#include "error/result.hpp"

namespace wte::web {

enum class TlsVersion { tls12, tls13 };

enum class ClientAuth {
  none,                // no client certificate asked for
  verify_if_given,     // a certificate is optional, but must verify against the CA
  require_and_verify,  // a certificate signed by the CA is required
};

struct TlsServerFiles {
  std::string cert_file;                      // PEM, the certificate chain
  std::string key_file;                       // PEM, the private key
  std::optional<std::string> client_ca_file;  // PEM; when set, clients are verified
  ClientAuth client_auth = ClientAuth::none;  // require_and_verify when a CA file is set
  TlsVersion min_version = TlsVersion::tls12;
};

// Builds the server context. The error names the file and OpenSSL's reason.
Result<boost::asio::ssl::context> make_server_tls_context(const TlsServerFiles& files);

}  // namespace wte::web
