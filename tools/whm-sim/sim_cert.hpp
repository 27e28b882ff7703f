#pragma once
// Test certificates made at start with the OpenSSL API: a throw-away CA, a server
// certificate for localhost/127.0.0.1 and one for the wrong name, both signed by it, so a
// client trusting the CA sees exactly one problem with the wrong one: its name.
#include <filesystem>
#include <string>

namespace wte::whmsim {

struct CertFiles {
  std::string ca_file;  // PEM: the CA certificate, for clients (--write-ca)
  std::string cert_file;
  std::string key_file;
  std::string wrong_cert_file;  // for "wrong.example.com"
  std::string wrong_key_file;
};

// Writes ca.pem, cert.pem, key.pem, wrong-cert.pem, wrong-key.pem into `dir`.
// Throws std::runtime_error with OpenSSL's reason.
CertFiles generate_test_certs(const std::filesystem::path& dir);

// A self-signed certificate for "wrong.example.com" (when the user's own cert was given
// without a wrong one); writes wrong-cert.pem and wrong-key.pem into `dir`.
void generate_self_signed_wrong_cert(const std::filesystem::path& dir, CertFiles& files);

// A private temporary directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();  // throws std::runtime_error
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace wte::whmsim
