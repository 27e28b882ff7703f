#include "sources/log_fingerprint.hpp"

// Header-only use of Debian's libxxhash: nothing to link, and the hash is inlined.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace wte::sources {

struct LogFingerprint::Hash {
  Hash() { XXH3_64bits_reset(&state); }
  XXH3_state_t state;
};

LogFingerprint::LogFingerprint() : hash_(std::make_unique<Hash>()) {}
LogFingerprint::~LogFingerprint() = default;
LogFingerprint::LogFingerprint(LogFingerprint&&) noexcept = default;
LogFingerprint& LogFingerprint::operator=(LogFingerprint&&) noexcept = default;

void LogFingerprint::append(std::string_view bytes) {
  if (bytes.empty()) return;
  XXH3_64bits_update(&hash_->state, bytes.data(), bytes.size());
  length_ += bytes.size();
  if (head_.size() < kHeadBytes) head_.append(bytes.substr(0, kHeadBytes - head_.size()));
  if (bytes.size() >= kTailBytes) {
    tail_.assign(bytes.substr(bytes.size() - kTailBytes));
  } else {
    tail_.append(bytes);
    if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
  }
}

void LogFingerprint::clear() {
  XXH3_64bits_reset(&hash_->state);
  head_.clear();
  tail_.clear();
  length_ = 0;
}

bool LogFingerprint::is_prefix_of(std::string_view log) const {
  if (log.size() < length_) return false;
  const auto n = static_cast<std::size_t>(length_);
  return XXH3_64bits(log.data(), n) == XXH3_64bits_digest(&hash_->state);
}

bool LogFingerprint::matches(std::uint64_t size, std::string_view head,
                             std::string_view tail) const noexcept {
  return size >= length_ && head == head_ && tail == tail_;
}

}  // namespace wte::sources
