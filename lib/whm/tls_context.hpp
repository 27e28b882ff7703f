#pragma once
// The client side of TLS for one endpoint: TLS 1.2+, peer verification against the system
// store or the endpoint's own CA file, or nothing at all when explicitly asked.
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <map>
#include <memory>
#include <string>

#include "whm/endpoint.hpp"
#include "whm/errors.hpp"

namespace wte::whm {

// A tls error naming the CA file and OpenSSL's reason when the file cannot be used.
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const Endpoint& endpoint);

// Client contexts shared by the endpoints with the same trust settings. A context holds its
// parsed trust store (the system one takes about 0.7 MB), so one per host would cost GBs at
// thousands of hosts; what differs per host (SNI, the name checked) is set on each stream.
// A context lives while a client uses it; a CA file replaced on disk (new size or time) is
// read again for the clients made after. Single-threaded, like the clients.
class TlsContextCache {
 public:
  Result<std::shared_ptr<boost::asio::ssl::context>> get(const Endpoint& endpoint);
  std::size_t live() const;  // contexts some client still uses

 private:
  std::map<std::string, std::weak_ptr<boost::asio::ssl::context>> contexts_;
};

// Applies to an asio or Beast TLS stream the per-connection settings: SNI (for names, not
// addresses), and host-name verification whose failure is reported as X509_V_ERR_HOSTNAME_MISMATCH
// so the message can say why the handshake failed.
template <class TlsStream>
void configure_tls_stream(TlsStream& stream, const std::string& host, bool verify);

// "hostname mismatch", "self-signed certificate"...: OpenSSL's verdict on the peer's
// certificate after a failed handshake; empty when the certificate was not the problem.
std::string peer_verify_error(SSL* ssl);

bool is_ip_address(const std::string& host);

// The verify callback: asio's host_name_verification, plus a recorded reason on mismatch.
class HostNameCheck {
 public:
  explicit HostNameCheck(const std::string& host);
  bool operator()(bool preverified, boost::asio::ssl::verify_context& ctx) const;

 private:
  boost::asio::ssl::host_name_verification check_;
  bool is_address_;
};

template <class TlsStream>
void configure_tls_stream(TlsStream& stream, const std::string& host, bool verify) {
  boost::system::error_code ignored;  // both calls only fail on out-of-memory
  if (verify) {
    stream.set_verify_mode(boost::asio::ssl::verify_peer, ignored);
    stream.set_verify_callback(HostNameCheck(host), ignored);
  } else {
    stream.set_verify_mode(boost::asio::ssl::verify_none, ignored);
  }
  // RFC 6066: the server name is a host name, never a literal address.
  if (!is_ip_address(host)) SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
}

}  // namespace wte::whm
