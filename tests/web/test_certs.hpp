#pragma once
// A self-signed EC certificate for "localhost", written as PEM files into a temporary
// folder that is removed again.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "support/temp_dir.hpp"

namespace wte::web::test {

using TempDir = wte::test::TempDir;

struct CertFiles {
  std::string cert;
  std::string key;
};

// Writes <name>.crt and <name>.key into `dir`.
inline CertFiles make_self_signed(const std::filesystem::path& dir, const std::string& name) {
  using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
  using File = std::unique_ptr<FILE, decltype(&fclose)>;
  Key key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  Cert cert(X509_new(), &X509_free);
  if (!key || !cert) throw std::runtime_error("OpenSSL: key or certificate allocation failed");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const char* ext :
       {"subjectAltName=DNS:localhost,IP:127.0.0.1", "basicConstraints=critical,CA:TRUE"}) {
    const std::string text(ext);
    const auto eq = text.find('=');
    X509_EXTENSION* e =
        X509V3_EXT_conf(nullptr, &ctx, text.substr(0, eq).c_str(), text.substr(eq + 1).c_str());
    if (!e) throw std::runtime_error("OpenSSL: bad extension");
    X509_add_ext(cert.get(), e, -1);
    X509_EXTENSION_free(e);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("X509_sign");

  CertFiles files{(dir / (name + ".crt")).string(), (dir / (name + ".key")).string()};
  File cert_out(std::fopen(files.cert.c_str(), "w"), &fclose);
  File key_out(std::fopen(files.key.c_str(), "w"), &fclose);
  if (!cert_out || !key_out) throw std::runtime_error("cannot write certificate files");
  PEM_write_X509(cert_out.get(), cert.get());
  PEM_write_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return files;
}

}  // namespace wte::web::test
