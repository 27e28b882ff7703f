#include "sim_cert.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace wte::whmsim {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

[[noreturn]] void fail(const std::string& what) {
  char reason[256] = "unknown error";
  if (const unsigned long e = ERR_get_error()) ERR_error_string_n(e, reason, sizeof reason);
  ERR_clear_error();
  throw std::runtime_error("certificate generation: " + what + ": " + reason);
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) fail("EC key");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("extension");
}

// A certificate for `cn`, signed by `issuer_key` (itself when issuer is null).
Cert make_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, long serial,
               bool ca, const char* san) {
  Cert cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("whm-sim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  add_ext(cert.get(), signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  if (san) add_ext(cert.get(), signer, NID_subject_alt_name, san);
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) fail("sign");
  return cert;
}

void write_pem(const std::filesystem::path& file, X509* cert, EVP_PKEY* key) {
  std::unique_ptr<BIO, Free> bio(BIO_new_file(file.c_str(), "w"));
  if (!bio) fail("cannot write " + file.string());
  const int ok =
      cert ? PEM_write_bio_X509(bio.get(), cert)
           : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  if (ok != 1) fail("cannot write " + file.string());
  if (key)
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

CertFiles generate_test_certs(const std::filesystem::path& dir) {
  CertFiles f;
  f.ca_file = dir / "ca.pem";
  f.cert_file = dir / "cert.pem";
  f.key_file = dir / "key.pem";
  f.wrong_cert_file = dir / "wrong-cert.pem";
  f.wrong_key_file = dir / "wrong-key.pem";
  const Key ca_key = new_key();
  const Cert ca = make_cert(ca_key.get(), "whm-sim test CA", nullptr, nullptr, 1, true, nullptr);
  const Key key = new_key();
  const Cert cert = make_cert(key.get(), "localhost", ca.get(), ca_key.get(), 2, false,
                              "DNS:localhost,IP:127.0.0.1");
  const Key wrong_key = new_key();
  const Cert wrong = make_cert(wrong_key.get(), "wrong.example.com", ca.get(), ca_key.get(), 3,
                               false, "DNS:wrong.example.com");
  write_pem(f.ca_file, ca.get(), nullptr);
  write_pem(f.cert_file, cert.get(), nullptr);
  write_pem(f.key_file, nullptr, key.get());
  write_pem(f.wrong_cert_file, wrong.get(), nullptr);
  write_pem(f.wrong_key_file, nullptr, wrong_key.get());
  return f;
}

void generate_self_signed_wrong_cert(const std::filesystem::path& dir, CertFiles& f) {
  f.wrong_cert_file = dir / "wrong-cert.pem";
  f.wrong_key_file = dir / "wrong-key.pem";
  const Key key = new_key();
  const Cert cert = make_cert(key.get(), "wrong.example.com", nullptr, nullptr, 4, false,
                              "DNS:wrong.example.com");
  write_pem(f.wrong_cert_file, cert.get(), nullptr);
  write_pem(f.wrong_key_file, nullptr, key.get());
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "whm-sim-XXXXXX").string();
  if (!mkdtemp(pattern.data())) {
    throw std::runtime_error("cannot create a temporary directory: " +
                             std::error_code(errno, std::generic_category()).message());
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace wte::whmsim
