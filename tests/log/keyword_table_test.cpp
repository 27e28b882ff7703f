#include "log/keyword_table.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

enum class Word : int { none, msg, item, contents, dangerous_items };

constexpr wte::log::KeywordTable<Word, 4> kWords({{
    {"msg", Word::msg},
    {"item", Word::item},
    {"contents", Word::contents},
    {"dangerous_items", Word::dangerous_items},
}});

// find_padded may read 16 bytes from the word: give it a padded copy, as the parser does.
Word padded(const std::string& word) {
  std::string buffer = word + std::string(16, '\0');
  return kWords.find_padded(std::string_view(buffer.data(), word.size()), Word::none);
}

}  // namespace

TEST_CASE("keywords are found, everything else is not, with and without padding") {
  const std::string words[] = {"msg", "item", "contents", "dangerous_items"};
  for (const auto& w : words) {
    CHECK(kWords.find(w, Word::none) != Word::none);
    CHECK(padded(w) == kWords.find(w, Word::none));
  }
  CHECK(kWords.find("contents", Word::none) == Word::contents);
  CHECK(padded("dangerous_items") == Word::dangerous_items);
  // Prefixes, extensions, one byte changed at every position, other case, empty.
  const std::string others[] = {"",
                                "m",
                                "ms",
                                "msgs",
                                "ite",
                                "items",
                                "content",
                                "contentS",
                                "Contents",
                                "xontents",
                                "contentz",
                                "dangerous_itemz",
                                "dangerous_items_",
                                "angerous_items",
                                "item_name",
                                "pid",
                                std::string("ms\0", 3)};
  for (const auto& w : others) {
    CAPTURE(w);
    CHECK(kWords.find(w, Word::none) == Word::none);
    CHECK(padded(w) == Word::none);
  }
  for (std::size_t i = 0; i < 15; ++i) {
    std::string w = "dangerous_items";
    w[i] ^= 0x20;
    CHECK(padded(w) == Word::none);
  }
}
