#pragma once
// The client side of TLS for one endpoint: TLS 1.2+, peer verification against the system
// store or the endpoint's own CA file, or nothing at all when explicitly asked.
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "whm/endpoint.hpp"
#include "whm/errors.hpp"

namespace wte::whm {

// The host's own CA certificates, found at run time: a static OpenSSL only knows the folder
// of the distribution it was built on (Debian's /usr/lib/ssl), which RHEL-family systems
// lack, so the places the distributions use are looked up here. OpenSSL's SSL_CERT_FILE and
// SSL_CERT_DIR win when set.
struct SystemTrustStore {
  std::string file;     // a PEM bundle, or empty
  std::string dir;      // hashed certificate folder(s), ":"-separated, or empty
  std::string origin;   // where it came from: "SSL_CERT_FILE", "Debian/Ubuntu", ...
  std::string problem;  // when nothing usable was found: why, for the log
  bool found() const { return !file.empty() || !dir.empty(); }
};

// Pure: the store to use given $SSL_CERT_FILE and $SSL_CERT_DIR (empty when unset) and
// predicates telling whether a path is a regular file (a symlink to one counts) or a folder.
// The distributions' bundle files are tried first (Debian/Ubuntu, RHEL family, SUSE, others),
// then their hashed folders.
SystemTrustStore find_system_trust_store(std::string_view ssl_cert_file,
                                         std::string_view ssl_cert_dir,
                                         const std::function<bool(const std::string&)>& is_file,
                                         const std::function<bool(const std::string&)>& is_dir);
// The same on this process's environment and file system.
SystemTrustStore system_trust_store();

// One line for the log at start: which store, or that there is none and what follows.
std::string describe_trust_store(const SystemTrustStore& store);

// Loads the system store into a context; without one, OpenSSL's built-in default paths
// (which may still work where the binary was built). The error is "FILE: OpenSSL's reason".
Status<> use_system_trust_store(boost::asio::ssl::context& ctx);

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
