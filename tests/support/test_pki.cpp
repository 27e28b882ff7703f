#include "support/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>

namespace wte::test {

void OpenSslFree::operator()(EVP_PKEY* key) const {
  EVP_PKEY_free(key);
}

void OpenSslFree::operator()(X509* cert) const {
  X509_free(cert);
}

namespace {

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using Key = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using Cert = std::unique_ptr<X509, OpenSslFree>;

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

// A certificate for `key` named `cn`, signed by issuer (self-signed, a CA, when issuer is
// null).
Cert make_cert(EVP_PKEY* key, const std::string& cn, long serial, X509* issuer,
               EVP_PKEY* issuer_key, const std::string& san) {
  Cert cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509* x = cert.get();
  require(X509_set_version(x, 2) == 1, "X509_set_version");
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  require(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
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
    add_extension(x, signer, NID_ext_key_usage, "serverAuth,clientAuth");
    add_extension(x, signer, NID_subject_alt_name, san.c_str());
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

}  // namespace

TestPki::TestPki() {
  ca_key_ = new_key();
  ca_cert_ = make_cert(ca_key_.get(), "wte test CA", 1, nullptr, ca_key_.get(), "");
  write_cert(ca_file(), ca_cert_.get());
}

TestPki::~TestPki() = default;

CertFiles TestPki::issue(const std::string& name, const std::string& san) {
  Key key = new_key();
  Cert cert = make_cert(key.get(), name, next_serial_++, ca_cert_.get(), ca_key_.get(), san);
  CertFiles files{(dir() / (name + ".pem")).string(), (dir() / (name + ".key")).string()};
  write_cert(files.cert, cert.get());
  write_key(files.key, key.get());
  return files;
}

}  // namespace wte::test
