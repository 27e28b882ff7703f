#pragma once
// A throw-away PKI for the client tests, made with the OpenSSL API at test time: a CA, a
// server certificate for "localhost" (and 127.0.0.1), and one for another name. Files live
// in a fresh temporary folder that is removed with the object.
#include <filesystem>
#include <string>

namespace wte::whm::test {

class TestCertificates {
 public:
  TestCertificates();  // throws std::runtime_error when OpenSSL or the file system fails
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string ca_file() const { return path("ca.pem"); }
  std::string localhost_cert() const { return path("localhost.pem"); }
  std::string localhost_key() const { return path("localhost.key"); }
  std::string wrong_name_cert() const { return path("wrong.pem"); }
  std::string wrong_name_key() const { return path("wrong.key"); }

 private:
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

}  // namespace wte::whm::test
