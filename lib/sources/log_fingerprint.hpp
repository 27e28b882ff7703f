#pragma once
// What identifies the bytes of a log already read, so that a log which is no longer the one
// read so far is noticed (a reset): a session re-created under the same id, a log truncated,
// replaced, or rewritten in place. One detector for both sources, each checking what it can:
// a remote body is in memory whole, so its whole consumed prefix is compared by hash; a local
// file is compared where a few bytes can be read cheaply (its beginning, and the bytes just
// before the offset).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace wte::sources {

class LogFingerprint {
 public:
  static constexpr std::size_t kHeadBytes = 4096;
  static constexpr std::size_t kTailBytes = 256;

  LogFingerprint();
  ~LogFingerprint();
  LogFingerprint(const LogFingerprint&) = delete;
  LogFingerprint& operator=(const LogFingerprint&) = delete;
  LogFingerprint(LogFingerprint&&) noexcept;
  LogFingerprint& operator=(LogFingerprint&&) noexcept;

  // The next bytes read, in order.
  void append(std::string_view bytes);
  void clear();
  std::uint64_t length() const noexcept { return length_; }

  // Whether `log` begins with exactly the bytes appended so far (a hash of the first
  // length() bytes: about a millisecond for 10 MB).
  bool is_prefix_of(std::string_view log) const;

  // Whether a file of `size` bytes whose first bytes are `head` (head_bytes() of them, or
  // the whole file if shorter) and whose tail_bytes() bytes before length() are `tail`
  // can continue what was read.
  std::size_t head_bytes() const noexcept { return head_.size(); }
  std::size_t tail_bytes() const noexcept { return tail_.size(); }
  bool matches(std::uint64_t size, std::string_view head, std::string_view tail) const noexcept;

 private:
  struct Hash;
  std::unique_ptr<Hash> hash_;  // XXH3 over every byte appended
  std::string head_;            // the first kHeadBytes
  std::string tail_;            // the last kTailBytes
  std::uint64_t length_ = 0;
};

}  // namespace wte::sources
