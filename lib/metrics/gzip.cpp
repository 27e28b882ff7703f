#include "metrics/gzip.hpp"

#include <zlib.h>

#include <new>
#include <stdexcept>

namespace wte::metrics {

namespace {

// windowBits 15 + 16: a gzip header and trailer instead of zlib's.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;
// zlib counts in uInt: one call takes at most this much.
constexpr std::size_t kMaxBytes = std::size_t{1} << 30;

Bytef* bytes(std::string_view s) {
  // zlib's API is not const-correct; it never writes through next_in.
  return reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
}

}  // namespace

std::string gzip_compress(std::string_view data, int level) {
  if (data.size() > kMaxBytes) throw std::length_error("gzip_compress: body over 1 GiB");
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::bad_alloc();
  }
  // deflateBound() is enough for the whole stream, header and trailer included, so one
  // Z_FINISH call ends it.
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = bytes(data);
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::bad_alloc();
  return out;
}

std::optional<std::string> gzip_decompress(std::string_view data) {
  if (data.size() > kMaxBytes) return std::nullopt;
  z_stream z{};
  if (inflateInit2(&z, kGzipWindowBits) != Z_OK) return std::nullopt;
  std::string out(data.size() * 4 + 64, '\0');
  z.next_in = bytes(data);
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK && out.size() <= kMaxBytes) {
    if (z.total_out == out.size()) out.resize(out.size() * 2);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + z.total_out);
    z.avail_out = static_cast<uInt>(out.size() - z.total_out);
    rc = inflate(&z, Z_NO_FLUSH);
  }
  const bool complete = rc == Z_STREAM_END && z.avail_in == 0;
  out.resize(z.total_out);
  inflateEnd(&z);
  if (!complete) return std::nullopt;
  return out;
}

}  // namespace wte::metrics
