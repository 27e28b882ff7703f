#include "loggen/session_id.hpp"

#include <chrono>
#include <cstdio>

#include "loggen/json_text.hpp"

namespace wte::loggen {

namespace {

bool id_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Cut first, then reduced: "vm5.docs.cpanel.net" gives "vm5docscpanel", as in the
// documentation's example id.
std::string reduced(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    if (id_char(c)) out += c;
  }
  return out;
}

}  // namespace

std::string utc_stamp(std::int64_t epoch_seconds) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{epoch_seconds}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02d%02d%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string make_session_id(std::string_view source_host, std::string_view initiator,
                            std::int64_t epoch_seconds, std::uint64_t pad_seed) {
  static constexpr std::string_view kAlnum =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  constexpr std::size_t kLength = 36;
  std::string id = reduced(source_host, 15) + reduced(initiator, 5) + utc_stamp(epoch_seconds);
  Random random(mix_seed(pad_seed, 0x5e55));
  while (id.size() < kLength) id += kAlnum[random.below(kAlnum.size())];
  id.resize(kLength);
  return id;
}

}  // namespace wte::loggen
