#include "test_certificates.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>

namespace wte::whm::test {

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));  // fast to generate, unlike RSA
  require(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  require(ext != nullptr, "X509V3_EXT_conf_nid");
  const int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  require(added == 1, "X509_add_ext");
}

// A certificate for `key` named `cn`, signed by issuer (or self-signed when issuer is null).
Cert make_cert(EVP_PKEY* key, const char* cn, long serial, X509* issuer, EVP_PKEY* issuer_key,
               const char* san) {
  Cert cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509* x = cert.get();
  require(X509_set_version(x, 2) == 1, "X509_set_version");
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  require(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer == nullptr ? x : issuer;
  require(X509_set_issuer_name(x, X509_get_subject_name(signer)) == 1, "X509_set_issuer_name");
  add_extension(x, signer, NID_subject_key_identifier, "hash");
  if (issuer == nullptr) {
    add_extension(x, signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(x, signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(x, signer, NID_authority_key_identifier, "keyid");
    add_extension(x, signer, NID_key_usage, "critical,digitalSignature");
    add_extension(x, signer, NID_ext_key_usage, "serverAuth");
    add_extension(x, signer, NID_subject_alt_name, san);
  }
  require(X509_sign(x, issuer_key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::unique_ptr<std::FILE, FileClose> open_for_write(const std::filesystem::path& p) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(p.c_str(), "wb"));
  require(f != nullptr, "fopen");
  return f;
}

void write_cert(const std::filesystem::path& p, X509* cert) {
  auto f = open_for_write(p);
  require(PEM_write_X509(f.get(), cert) == 1, "PEM_write_X509");
}

void write_key(const std::filesystem::path& p, EVP_PKEY* key) {
  auto f = open_for_write(p);
  require(PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_PrivateKey");
}

std::filesystem::path fresh_dir() {
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto dir = base / ("wte-whm-test-" + std::to_string(random()));
    if (std::filesystem::create_directory(dir)) return dir;
  }
  throw std::runtime_error("test PKI: no temporary folder");
}

}  // namespace

TestCertificates::TestCertificates() : dir_(fresh_dir()) {
  Key ca_key = new_key();
  Cert ca = make_cert(ca_key.get(), "wte test CA", 1, nullptr, ca_key.get(), nullptr);
  write_cert(dir_ / "ca.pem", ca.get());

  Key localhost_key = new_key();
  Cert localhost = make_cert(localhost_key.get(), "localhost", 2, ca.get(), ca_key.get(),
                             "DNS:localhost,IP:127.0.0.1");
  write_cert(dir_ / "localhost.pem", localhost.get());
  write_key(dir_ / "localhost.key", localhost_key.get());

  Key wrong_key = new_key();
  Cert wrong =
      make_cert(wrong_key.get(), "wrong.example", 3, ca.get(), ca_key.get(), "DNS:wrong.example");
  write_cert(dir_ / "wrong.pem", wrong.get());
  write_key(dir_ / "wrong.key", wrong_key.get());
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace wte::whm::test
