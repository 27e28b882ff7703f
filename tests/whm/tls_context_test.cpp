// The system CA store search (find_system_trust_store is pure: the file system is a set here).
#include "whm/tls_context.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace wte::whm;

namespace {

struct FakeFs {
  std::set<std::string> files, dirs;
  SystemTrustStore find(std::string_view env_file = "", std::string_view env_dir = "") const {
    return find_system_trust_store(
        env_file, env_dir, [this](const std::string& p) { return files.count(p) > 0; },
        [this](const std::string& p) { return dirs.count(p) > 0; });
  }
};

constexpr const char* kDebian = "/etc/ssl/certs/ca-certificates.crt";
constexpr const char* kRhel = "/etc/pki/tls/certs/ca-bundle.crt";

}  // namespace

TEST_CASE("RHEL family: the bundle at /etc/pki/tls/certs/ca-bundle.crt") {
  FakeFs fs{{kRhel, "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}, {"/etc/pki/tls/certs"}};
  const auto s = fs.find();
  CHECK(s.found());
  CHECK(s.file == kRhel);
  CHECK(s.dir.empty());
  CHECK(s.origin.find("RHEL") != std::string::npos);
}

TEST_CASE("RHEL family without the compatibility link: the extracted bundle") {
  FakeFs fs{{"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}, {}};
  CHECK(fs.find().file == "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem");
}

TEST_CASE("Debian and Ubuntu: /etc/ssl/certs/ca-certificates.crt, before the folder") {
  FakeFs fs{{kDebian}, {"/etc/ssl/certs"}};
  const auto s = fs.find();
  CHECK(s.file == kDebian);
  CHECK(s.origin == "Debian/Ubuntu");
}

TEST_CASE("SUSE and others") {
  CHECK(FakeFs{{"/etc/ssl/ca-bundle.pem"}, {}}.find().origin == "SUSE");
  CHECK(FakeFs{{"/etc/ssl/cert.pem"}, {}}.find().file == "/etc/ssl/cert.pem");
}

TEST_CASE("only a hashed folder: used as a folder") {
  const auto s = FakeFs{{}, {"/etc/ssl/certs"}}.find();
  CHECK(s.found());
  CHECK(s.file.empty());
  CHECK(s.dir == "/etc/ssl/certs");
}

TEST_CASE("nothing: not found, and the description says what that means") {
  const auto s = FakeFs{}.find();
  CHECK_FALSE(s.found());
  const auto text = describe_trust_store(s);
  CHECK(text.find("no system CA store") != std::string::npos);
  CHECK(text.find("ca_file") != std::string::npos);
  CHECK(text.find("SSL_CERT_FILE") != std::string::npos);
}

TEST_CASE("SSL_CERT_FILE and SSL_CERT_DIR win over the search") {
  FakeFs fs{{kDebian, "/opt/ca.pem"}, {"/etc/ssl/certs"}};
  auto s = fs.find("/opt/ca.pem");
  CHECK(s.file == "/opt/ca.pem");
  CHECK(s.dir.empty());
  CHECK(s.origin == "SSL_CERT_FILE");
  s = fs.find("", "/opt/certs:/opt/more");
  CHECK(s.file.empty());
  CHECK(s.dir == "/opt/certs:/opt/more");
  CHECK(s.origin == "SSL_CERT_DIR");
  s = fs.find("/opt/ca.pem", "/opt/certs");
  CHECK(s.file == "/opt/ca.pem");
  CHECK(s.dir == "/opt/certs");
}

TEST_CASE("SSL_CERT_FILE naming nothing: no store, and the reason names the variable") {
  FakeFs fs{{kDebian}, {}};
  const auto s = fs.find("/missing.pem");
  CHECK_FALSE(s.found());
  CHECK(s.problem.find("SSL_CERT_FILE=/missing.pem") != std::string::npos);
  CHECK(describe_trust_store(s).find("/missing.pem") != std::string::npos);
}

TEST_CASE("the log line names the file and whose it is") {
  const auto text = describe_trust_store(FakeFs{{kRhel}, {}}.find());
  CHECK(text.find(kRhel) != std::string::npos);
  CHECK(text.find("RHEL") != std::string::npos);
}
