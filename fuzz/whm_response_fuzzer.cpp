// libFuzzer harness for everything the WHM client reads from a server: the HTTP answer off
// the wire (status line, headers, Content-Length or chunked body, the limits), then the
// envelope of both API calls. Whatever the server sends, the client must end with a value or
// an ApiError, never crash, never quote the token, and never reuse a connection that still
// holds bytes after the answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "text/utf8.hpp"
#include "whm/envelope.hpp"
#include "whm/response_reader.hpp"

namespace {

// The token as a server would echo it; the seeds quote it.
constexpr std::string_view kSecret = "FUZZTOKEN0123456789ABCDEFGHIJKLM";
// Small enough that the fuzzer reaches it (run-fuzzers gives this harness 1 MiB inputs).
constexpr std::size_t kBodyLimit = 256 * 1024;

void require(bool condition) {
  if (!condition) std::abort();
}

void check_error(const wte::whm::ApiError& error) {
  require(!error.message.empty());
  require(error.message.size() < 1024);
  require(wte::text::is_valid_utf8(error.message));
  require(error.message.find(kSecret) == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto read = wte::whm::read_response(bytes, kBodyLimit, "fuzz:2087");
  require(read.consumed <= size);
  require(!read.reusable || (read.keep_alive && read.consumed == size));
  if (!read.response.ok()) {
    check_error(read.response.error());
    return 0;
  }
  const auto& raw = read.response.value();
  require(raw.body.size() <= kBodyLimit);

  const auto state =
      wte::whm::parse_state_response(raw.body, raw.status, raw.content_type, kSecret);
  if (state.ok()) {
    require(wte::whm::is_plausible_state_name(state.value(), kSecret));
  } else {
    check_error(state.error());
  }
  auto log =
      wte::whm::parse_log_response(std::string(raw.body), raw.status, raw.content_type, kSecret);
  if (log.ok()) {
    const auto& body = log.value();
    require(body.log.size() <= body.storage.size());
    require(body.log.find(kSecret) == std::string_view::npos);
  } else {
    check_error(log.error());
  }
  return 0;
}
