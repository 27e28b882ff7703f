#pragma once
// Makes bcrypt hashes in tests with libxcrypt, at cost 4 so they are quick.
#include <crypt.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace wte::web::test {

inline std::string make_test_bcrypt(const std::string& password, const char* prefix = "$2b$") {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt)) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
  if (!hash || hash[0] == '*') throw std::runtime_error("crypt_rn failed");
  return hash;
}

}  // namespace wte::web::test
