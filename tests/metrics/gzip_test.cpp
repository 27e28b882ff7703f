#include "metrics/gzip.hpp"

#include <doctest/doctest.h>

#include <string>

using wte::metrics::gzip_compress;
using wte::metrics::gzip_decompress;

TEST_CASE("gzip round trip, with the gzip magic and a real gain on metrics text") {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "whm_transfer_queue_items{host=\"h" + std::to_string(i % 7) + "\",session=\"s" +
            std::to_string(i) + "\",queue=\"RESTORE\"} " + std::to_string(i) + "\n";
  }
  const std::string z = gzip_compress(text);
  REQUIRE(z.size() > 18);
  CHECK(static_cast<unsigned char>(z[0]) == 0x1f);  // RFC 1952 ID1, ID2, CM=deflate
  CHECK(static_cast<unsigned char>(z[1]) == 0x8b);
  CHECK(z[2] == 8);
  CHECK(z.size() * 10 < text.size());
  CHECK(gzip_decompress(z) == text);
  CHECK(gzip_decompress(gzip_compress(text, 1)) == text);
}

TEST_CASE("gzip of nothing, and of bytes that do not compress") {
  CHECK(gzip_decompress(gzip_compress("")) == std::string());
  std::string noise;
  unsigned x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1103515245u + 12345u;
    noise += static_cast<char>(x >> 24);
  }
  CHECK(gzip_decompress(gzip_compress(noise)) == noise);
}

TEST_CASE("decompress refuses what is not one complete gzip stream") {
  const std::string z = gzip_compress("hello hello hello");
  CHECK_FALSE(gzip_decompress("hello").has_value());
  CHECK_FALSE(gzip_decompress(z.substr(0, z.size() - 3)).has_value());
  CHECK_FALSE(gzip_decompress(z + "trailing").has_value());
}
