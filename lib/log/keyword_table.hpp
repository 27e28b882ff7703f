#pragma once
// Maps a handful of known words (JSON keys, actions) to small codes with one table lookup
// and one comparison. Every line of a log has some twenty keys: a chain of comparisons or
// a switch on the length mispredicts on most of them, a table lookup does not.
//
// The slot of a word is a multiplicative hash of a few of its bytes. Which bytes, and the
// multiplier, are chosen at compile time for the words of each table: the cheapest choice
// under which no two words share a slot. So adding a word never breaks the build; at worst
// the table hashes more of each word.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "text/fnv1a.hpp"

namespace wte::log {

template <typename Code, std::size_t N>
class KeywordTable {
 public:
  struct Entry {
    std::string_view word;
    Code code;
  };

  // Which bytes of a word its slot depends on, cheapest first.
  enum class Mode : std::uint8_t {
    ends,            // length, first and last byte
    ends_and_inner,  // and the second and the second-to-last byte
    whole_word,      // every byte (FNV-1a): distinct words always have distinct keys
  };

  // consteval: a word listed twice, an empty one or one over 16 bytes is a compile error.
  consteval explicit KeywordTable(const std::array<Entry, N>& entries) {
    for (std::size_t i = 0; i < N; ++i) {
      if (entries[i].word.empty()) throw "an empty keyword (or fewer entries than N)";
      if (entries[i].word.size() > 16) throw "find_padded compares at most 16 bytes";
      for (std::size_t j = 0; j < i; ++j) {
        if (entries[i].word == entries[j].word) throw "a keyword is listed twice";
      }
    }
    for (const Mode mode : {Mode::ends, Mode::ends_and_inner, Mode::whole_word}) {
      if (!keys_distinct(entries, mode)) continue;  // no multiplier can separate equal keys
      for (std::size_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
        const std::uint64_t multiplier = candidate_multiplier(attempt);
        if (slots_distinct(entries, mode, multiplier)) {
          mode_ = mode;
          multiplier_ = multiplier;
          fill(entries);
          return;
        }
      }
    }
    // Distinct 64-bit keys in at least 4 slots per word: not reached in practice.
    throw "no collision-free multiplier found: raise kMaxAttempts";
  }

  Code find(std::string_view word, Code none) const noexcept {
    const Entry& slot = slots_[slot_of(word)];
    return !word.empty() && word == slot.word ? slot.code : none;
  }

  // find() without a call to memcmp and its data-dependent branches: compares 16 bytes
  // at once. The caller guarantees that 16 bytes from word.data() are readable (the line
  // parser pads its buffer for this).
  Code find_padded(std::string_view word, Code none) const noexcept {
    if constexpr (std::endian::native != std::endian::little) {
      return find(word, none);
    } else {
      const std::size_t i = slot_of(word);
      std::uint64_t w[2];
      std::memcpy(w, word.data(), sizeof w);
      const Padded& p = padded_[i];
      const std::uint64_t diff =
          ((w[0] ^ p.bytes[0]) & p.mask[0]) | ((w[1] ^ p.bytes[1]) & p.mask[1]) |
          (word.size() ^ slots_[i].word.size()) | static_cast<std::uint64_t>(word.empty());
      // Chosen with arithmetic, not a branch: known and unknown keys alternate at random.
      using Int = typename std::conditional_t<std::is_enum_v<Code>, std::underlying_type<Code>,
                                              std::type_identity<Code>>::type;
      const auto hit = static_cast<Int>(static_cast<Int>(diff == 0) * Int(~Int{0}));
      return static_cast<Code>((static_cast<Int>(slots_[i].code) & hit) |
                               (static_cast<Int>(none) & static_cast<Int>(~hit)));
    }
  }

  // What the constructor chose (for tests).
  Mode mode() const noexcept { return mode_; }
  static constexpr std::size_t slot_count() noexcept { return kSlots; }

 private:
  // At least four slots per word: a collision-free multiplier is then found in a few tries.
  static constexpr std::size_t kSlots = std::max<std::size_t>(64, std::bit_ceil(4 * N));
  static constexpr int kSlotBits = std::countr_zero(kSlots);
  static constexpr std::size_t kMaxAttempts = 4096;

  static constexpr std::uint64_t byte_at(std::string_view w, std::size_t i) noexcept {
    return static_cast<std::uint8_t>(w[i]);
  }

  // The bytes of a non-empty word that its slot depends on, packed into one integer.
  static constexpr std::uint64_t key(std::string_view w, Mode mode) noexcept {
    const std::size_t n = w.size();
    const std::uint64_t ends = n | byte_at(w, 0) << 8 | byte_at(w, n - 1) << 16;
    switch (mode) {
      case Mode::ends:
        return ends;
      case Mode::ends_and_inner: {
        const std::size_t inner = n > 1 ? 1 : 0;  // a one-byte word has no inner bytes
        return ends | byte_at(w, inner) << 24 | byte_at(w, n - 1 - inner) << 32;
      }
      case Mode::whole_word:
        return text::fnv1a64(w);
    }
    return ends;
  }

  static constexpr std::size_t slot_of(std::string_view w, Mode mode,
                                       std::uint64_t multiplier) noexcept {
    if (w.empty()) return 0;
    return static_cast<std::size_t>((key(w, mode) * multiplier) >> (64 - kSlotBits));
  }
  constexpr std::size_t slot_of(std::string_view w) const noexcept {
    return slot_of(w, mode_, multiplier_);
  }

  // Odd 64-bit multipliers from splitmix64: well spread, and the same on every build.
  static constexpr std::uint64_t candidate_multiplier(std::size_t attempt) noexcept {
    std::uint64_t z = 0x9E3779B97F4A7C15ull * (attempt + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (z ^ (z >> 31)) | 1u;
  }

  static constexpr bool keys_distinct(const std::array<Entry, N>& entries, Mode mode) {
    for (std::size_t i = 0; i < N; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (key(entries[i].word, mode) == key(entries[j].word, mode)) return false;
      }
    }
    return true;
  }

  static constexpr bool slots_distinct(const std::array<Entry, N>& entries, Mode mode,
                                       std::uint64_t multiplier) {
    std::array<bool, kSlots> taken{};
    for (const Entry& e : entries) {
      bool& t = taken[slot_of(e.word, mode, multiplier)];
      if (t) return false;
      t = true;
    }
    return true;
  }

  constexpr void fill(const std::array<Entry, N>& entries) {
    for (const Entry& e : entries) {
      const std::size_t i = slot_of(e.word);
      slots_[i] = e;
      Padded& p = padded_[i];
      for (std::size_t k = 0; k < e.word.size(); ++k) {
        p.bytes[k / 8] |= byte_at(e.word, k) << (8 * (k % 8));
        p.mask[k / 8] |= std::uint64_t{0xFF} << (8 * (k % 8));
      }
    }
  }

  struct Padded {  // a word as two little-endian 64-bit words, and which bytes count
    std::uint64_t bytes[2] = {0, 0};
    std::uint64_t mask[2] = {0, 0};
  };

  Mode mode_ = Mode::ends;
  std::uint64_t multiplier_ = 1;
  std::array<Entry, kSlots> slots_{};
  std::array<Padded, kSlots> padded_{};
};

}  // namespace wte::log
