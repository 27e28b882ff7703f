#include "whm/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cstdlib>
#include <filesystem>

namespace wte::whm {

namespace ssl = boost::asio::ssl;

namespace {

struct TrustStoreCandidate {
  const char* path;
  const char* origin;
};
constexpr TrustStoreCandidate kTrustStoreFiles[] = {
    {"/etc/ssl/certs/ca-certificates.crt", "Debian/Ubuntu"},
    {"/etc/pki/tls/certs/ca-bundle.crt", "RHEL/AlmaLinux/Rocky/CloudLinux"},
    {"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "RHEL/AlmaLinux/Rocky/CloudLinux"},
    {"/etc/ssl/ca-bundle.pem", "SUSE"},
    {"/etc/pki/tls/cacert.pem", "OpenELEC"},
    {"/etc/ssl/cert.pem", "Alpine/Arch"},
};
constexpr TrustStoreCandidate kTrustStoreDirs[] = {
    {"/etc/ssl/certs", "hashed folder"},
    {"/etc/pki/tls/certs", "hashed folder"},
};

}  // namespace

SystemTrustStore find_system_trust_store(std::string_view ssl_cert_file,
                                         std::string_view ssl_cert_dir,
                                         const std::function<bool(const std::string&)>& is_file,
                                         const std::function<bool(const std::string&)>& is_dir) {
  SystemTrustStore s;
  if (!ssl_cert_file.empty() || !ssl_cert_dir.empty()) {
    // Set by the administrator: used as given, never second-guessed by the search below.
    if (!ssl_cert_file.empty()) {
      if (is_file(std::string(ssl_cert_file)))
        s.file = ssl_cert_file;
      else
        s.problem = "SSL_CERT_FILE=" + std::string(ssl_cert_file) + " is not a readable file";
    }
    if (!ssl_cert_dir.empty()) s.dir = ssl_cert_dir;  // OpenSSL reads the ":" list itself
    s.origin = !ssl_cert_file.empty() && !ssl_cert_dir.empty() ? "SSL_CERT_FILE and SSL_CERT_DIR"
               : !ssl_cert_file.empty()                        ? "SSL_CERT_FILE"
                                                               : "SSL_CERT_DIR";
    if (s.found()) s.problem.clear();
    return s;
  }
  for (const auto& c : kTrustStoreFiles) {
    if (is_file(c.path)) return {c.path, "", c.origin, ""};
  }
  for (const auto& c : kTrustStoreDirs) {
    if (is_dir(c.path)) return {"", c.path, c.origin, ""};
  }
  s.problem = "no CA bundle in /etc/ssl or /etc/pki";
  return s;
}

SystemTrustStore system_trust_store() {
  const char* file = std::getenv("SSL_CERT_FILE");
  const char* dir = std::getenv("SSL_CERT_DIR");
  const auto is_file = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
  };
  const auto is_dir = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_directory(p, ec);
  };
  return find_system_trust_store(file ? file : "", dir ? dir : "", is_file, is_dir);
}

std::string describe_trust_store(const SystemTrustStore& store) {
  if (store.found()) {
    std::string where = store.file;
    if (!store.dir.empty()) where += (where.empty() ? "" : " and ") + store.dir;
    return "system CA store: " + where + " (" + store.origin + ")";
  }
  return "no system CA store (" + store.problem +
         "): hosts without ca_file fail TLS verification (\"unable to get local issuer "
         "certificate\"); install the ca-certificates package, set SSL_CERT_FILE, or give each "
         "host a ca_file";
}

Status<> use_system_trust_store(ssl::context& ctx) {
  const SystemTrustStore store = system_trust_store();
  boost::system::error_code ec;
  const auto failed = [&ec](const std::string& what) { return Error{what + ": " + ec.message()}; };
  if (!store.found()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return failed("the built-in default paths");
    return done;
  }
  if (!store.file.empty()) {
    ctx.load_verify_file(store.file, ec);
    if (ec) return failed(store.file);
  }
  if (!store.dir.empty()) {
    ctx.add_verify_path(store.dir, ec);
    if (ec) return failed(store.dir);
  }
  return done;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(host, ec);
  return !ec;
}

HostNameCheck::HostNameCheck(const std::string& host)
    : check_(host), is_address_(is_ip_address(host)) {}

bool HostNameCheck::operator()(bool preverified, ssl::verify_context& ctx) const {
  if (!preverified) return false;  // OpenSSL already recorded why
  if (check_(preverified, ctx)) return true;
  // asio's check returns false without a reason; record one for the error message.
  X509_STORE_CTX_set_error(ctx.native_handle(), is_address_ ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                            : X509_V_ERR_HOSTNAME_MISMATCH);
  return false;
}

std::string peer_verify_error(SSL* ssl) {
  if (ssl == nullptr) return {};
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return {};
  const char* text = X509_verify_cert_error_string(result);
  return text == nullptr ? "error " + std::to_string(result) : std::string(text);
}

Result<std::shared_ptr<ssl::context>> make_client_tls_context(const Endpoint& endpoint) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // An idle keep-alive connection gives its record buffers back (about 34 KB each).
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  boost::system::error_code ec;
  if (endpoint.tls_insecure_skip_verify) {
    ctx->set_verify_mode(ssl::verify_none, ec);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer, ec);
  if (endpoint.ca_file) {
    ctx->load_verify_file(*endpoint.ca_file, ec);
    if (ec) {
      return ApiError{ErrorReason::tls,
                      "cannot load CA file " + *endpoint.ca_file + ": " + ec.message()};
    }
  } else {
    if (auto loaded = use_system_trust_store(*ctx); !loaded.ok()) {
      return ApiError{ErrorReason::tls,
                      "cannot load the system trust store " + loaded.error().message};
    }
  }
  return ctx;
}

namespace {

// What identifies a context's trust settings; empty when the CA file cannot be examined (the
// context is then made, and fails, uncached).
std::string trust_key(const Endpoint& endpoint) {
  if (endpoint.tls_insecure_skip_verify) return "insecure";
  if (!endpoint.ca_file) return "system";
  std::error_code ec;
  const auto size = std::filesystem::file_size(*endpoint.ca_file, ec);
  if (ec) return {};
  const auto time = std::filesystem::last_write_time(*endpoint.ca_file, ec);
  if (ec) return {};
  return "file:" + std::to_string(size) + ":" + std::to_string(time.time_since_epoch().count()) +
         ":" + *endpoint.ca_file;
}

}  // namespace

Result<std::shared_ptr<ssl::context>> TlsContextCache::get(const Endpoint& endpoint) {
  std::erase_if(contexts_, [](const auto& entry) { return entry.second.expired(); });
  const std::string key = trust_key(endpoint);
  if (key.empty()) return make_client_tls_context(endpoint);
  if (auto it = contexts_.find(key); it != contexts_.end()) {
    if (auto shared = it->second.lock()) return shared;
  }
  auto made = make_client_tls_context(endpoint);
  if (made.ok()) contexts_[key] = made.value();
  return made;
}

std::size_t TlsContextCache::live() const {
  return static_cast<std::size_t>(std::count_if(contexts_.begin(), contexts_.end(),
                                                [](const auto& e) { return !e.second.expired(); }));
}

}  // namespace wte::whm
