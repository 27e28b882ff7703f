// libFuzzer harness for the master-log engine: any bytes, fed whole and in two chunks,
// must give the same summary, valid JSON, and no crash, leak or UB.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "log/master_log.hpp"
#include "log/summary_json.hpp"
#include "text/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  wte::log::EngineLimits limits;
  limits.max_line_bytes = 4096;  // small, so the overlong path is exercised too

  wte::log::MasterLog whole(limits);
  whole.feed(input);
  whole.finish();

  wte::log::MasterLog split(limits);
  const std::size_t cut = size ? data[0] % size : 0;
  split.feed(input.substr(0, cut));
  split.feed(input.substr(cut));
  split.finish();

  const std::string a = wte::log::summary_json(whole.model());
  const std::string b = wte::log::summary_json(split.model());
  if (a != b || !wte::text::is_valid_utf8(a)) std::abort();
  return 0;
}
