// libFuzzer harness for the WHM response parsers: whatever a server sends, they must return a
// value or an ApiError, never crash, and keep their promises (views inside their storage,
// messages short and valid UTF-8).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "text/utf8.hpp"
#include "whm/envelope.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_error(const wte::whm::ApiError& error) {
  require(!error.message.empty());
  require(error.message.size() < 1024);
  require(wte::text::is_valid_utf8(error.message));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static constexpr unsigned kStatuses[] = {200, 200, 200, 200, 201, 401, 403, 404, 500, 502};
  static constexpr const char* kTypes[] = {"application/json", "text/plain; charset=\"utf-8\"", "",
                                           "text/html", "APPLICATION/JSON ; x=y"};
  const unsigned status = kStatuses[data[0] % std::size(kStatuses)];
  const std::string_view type = kTypes[data[1] % std::size(kTypes)];
  const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);

  const auto state = wte::whm::parse_state_response(body, status, type);
  if (state.ok()) {
    require(!state.value().empty());
    require(wte::text::is_valid_utf8(state.value()));
  } else {
    check_error(state.error());
  }

  auto log = wte::whm::parse_log_response(std::string(body), status, type);
  if (log.ok()) {
    wte::whm::LogBody moved = std::move(log).value();
    const char* begin = moved.storage.data();
    require(moved.log.size() <= moved.storage.size());
    require(moved.log.empty() ||
            (moved.log.data() >= begin &&
             moved.log.data() + moved.log.size() <= begin + moved.storage.size()));
    volatile char sink = 0;
    for (char c : moved.log) sink = static_cast<char>(sink ^ c);  // touch every byte
    (void)sink;
  } else {
    check_error(log.error());
  }
  return 0;
}
