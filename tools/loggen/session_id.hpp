#pragma once
// Transfer-session ids the way cPanel makes them (docs/LOG-FORMAT.md section 1): up to 15
// characters of the source host, 5 of the initiator, a UTC stamp, reduced to [0-9A-Za-z_],
// padded with random alphanumerics to 36 characters.
#include <cstdint>
#include <string>
#include <string_view>

namespace wte::loggen {

// `pad_seed` chooses the padding, so ids are reproducible.
std::string make_session_id(std::string_view source_host, std::string_view initiator,
                            std::int64_t epoch_seconds, std::uint64_t pad_seed);

// "YYYYMMDDhhmmss" in UTC.
std::string utc_stamp(std::int64_t epoch_seconds);

}  // namespace wte::loggen
