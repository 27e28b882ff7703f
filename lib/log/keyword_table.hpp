#pragma once
// Maps a handful of known words (JSON keys, actions) to small codes with one table lookup
// and one comparison. Every line of a log has some twenty keys: a chain of comparisons or
// a switch on the length mispredicts on most of them, a table lookup does not.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace wte::log {

template <typename Code, std::size_t N>
class KeywordTable {
 public:
  struct Entry {
    std::string_view word;
    Code code;
  };

  // consteval: two words with the same hash are a compile error, not a silent miss.
  consteval explicit KeywordTable(const std::array<Entry, N>& entries) {
    for (const Entry& e : entries) {
      Entry& slot = slots_[hash(e.word)];
      if (!slot.word.empty()) throw "two keywords share a slot: change hash()";
      if (e.word.size() > 16) throw "find_padded compares at most 16 bytes";
      slot = e;
      Padded& p = padded_[hash(e.word)];
      for (std::size_t k = 0; k < e.word.size(); ++k) {
        const auto byte = static_cast<std::uint64_t>(static_cast<std::uint8_t>(e.word[k]));
        p.bytes[k / 8] |= byte << (8 * (k % 8));
        p.mask[k / 8] |= std::uint64_t{0xFF} << (8 * (k % 8));
      }
    }
  }

  Code find(std::string_view word, Code none) const noexcept {
    const Entry& slot = slots_[hash(word)];
    return !word.empty() && word == slot.word ? slot.code : none;
  }

  // find() without a call to memcmp and its data-dependent branches: compares 16 bytes
  // at once. The caller guarantees that 16 bytes from word.data() are readable (the line
  // parser pads its buffer for this).
  Code find_padded(std::string_view word, Code none) const noexcept {
    if constexpr (std::endian::native != std::endian::little) {
      return find(word, none);
    } else {
      const std::size_t i = hash(word);
      std::uint64_t w[2];
      std::memcpy(w, word.data(), sizeof w);
      const Padded& p = padded_[i];
      const std::uint64_t diff =
          ((w[0] ^ p.bytes[0]) & p.mask[0]) | ((w[1] ^ p.bytes[1]) & p.mask[1]) |
          (word.size() ^ slots_[i].word.size()) | static_cast<std::uint64_t>(word.empty());
      // Chosen with arithmetic, not a branch: known and unknown keys alternate at random.
      using Int = std::underlying_type_t<Code>;
      const auto hit = static_cast<Int>(static_cast<Int>(diff == 0) * Int(~Int{0}));
      return static_cast<Code>((static_cast<Int>(slots_[i].code) & hit) |
                               (static_cast<Int>(none) & static_cast<Int>(~hit)));
    }
  }

 private:
  static constexpr std::size_t kSlots = 64;
  // Length, first and last byte: no collisions among the keys and actions we look for.
  static constexpr std::size_t hash(std::string_view w) noexcept {
    if (w.empty()) return 0;
    const auto first = static_cast<std::uint8_t>(w.front());
    const auto last = static_cast<std::uint8_t>(w.back());
    return (w.size() + first + 2u * last) % kSlots;
  }

  struct Padded {  // a word as two little-endian 64-bit words, and which bytes count
    std::uint64_t bytes[2] = {0, 0};
    std::uint64_t mask[2] = {0, 0};
  };

  std::array<Entry, kSlots> slots_{};
  std::array<Padded, kSlots> padded_{};
};

}  // namespace wte::log
