#pragma once
// A throw-away PKI for the TLS tests, made with the OpenSSL API at test time: a CA and the
// certificates it issues, as PEM files in a fresh temporary folder removed with the object.
// One generator for every test: a client trusts ca_file(); a server (or a client that must
// show a certificate) uses what issue() returns.
#include <openssl/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "support/temp_dir.hpp"

namespace wte::test {

// Frees what OpenSSL allocated (the keys and certificates the PKI holds).
struct OpenSslFree {
  void operator()(EVP_PKEY* key) const;
  void operator()(X509* cert) const;
};

struct CertFiles {
  std::string cert;  // PEM certificate
  std::string key;   // PEM private key
};

class TestPki {
 public:
  // The names a certificate is valid for unless told otherwise: the loopback server's.
  static constexpr const char* kLocalhost = "DNS:localhost,IP:127.0.0.1";

  TestPki();  // makes the CA; throws std::runtime_error when OpenSSL or the file system fails
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string ca_file() const { return (dir() / "ca.pem").string(); }

  // A certificate with common name `name`, signed by the CA, valid for the names `san`
  // (subjectAltName syntax) and for both server and client authentication. Written as
  // <name>.pem and <name>.key in dir(). Throws std::runtime_error.
  CertFiles issue(const std::string& name, const std::string& san = kLocalhost);

 private:
  TempDir dir_;
  std::unique_ptr<EVP_PKEY, OpenSslFree> ca_key_;
  std::unique_ptr<X509, OpenSslFree> ca_cert_;
  long next_serial_ = 2;  // the CA is 1
};

}  // namespace wte::test
