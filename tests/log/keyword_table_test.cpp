#include "log/keyword_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

namespace {

enum class Action : std::uint8_t { none, today, added };

// The actions of today's logs (docs/LOG-FORMAT.md section 3) and ten plausible new ones, of
// which three share length, first and last byte with one of today's (skipped-item and
// success-item, finish-item and failed-item, queue_done and queue_size).
constexpr std::string_view kToday[] = {
    "start",      "resume",       "pausing",      "pause",        "aborting",
    "abort",      "fail",         "complete",     "initiator",    "version",
    "remotehost", "queue_count",  "queue_size",   "child-failed", "process-item",
    "start-item", "success-item", "warning-item", "failed-item"};
constexpr std::string_view kAdded[] = {"skipped-item", "retry-item", "skip-item",  "abort-item",
                                       "finish-item",  "queue_done", "pause-item", "resume-item",
                                       "cancel-item",  "queue_start"};
constexpr std::size_t kTodayCount = std::size(kToday);
constexpr std::size_t kAllCount = kTodayCount + std::size(kAdded);

template <std::size_t N>
using ActionTable = wte::log::KeywordTable<Action, N>;

template <std::size_t N>
consteval ActionTable<N> make_actions() {
  std::array<typename ActionTable<N>::Entry, N> entries{};
  for (std::size_t i = 0; i < N; ++i) {
    entries[i] = i < kTodayCount
                     ? typename ActionTable<N>::Entry{kToday[i], Action::today}
                     : typename ActionTable<N>::Entry{kAdded[i - kTodayCount], Action::added};
  }
  return ActionTable<N>(entries);
}

constexpr auto kTodayActions = make_actions<kTodayCount>();
constexpr auto kAllActions = make_actions<kAllCount>();

template <std::size_t N>
Action padded_find(const ActionTable<N>& table, const std::string& word) {
  std::string buffer = word + std::string(16, '\0');
  return table.find_padded(std::string_view(buffer.data(), word.size()), Action::none);
}

// Words that are not in the tables: each word with one byte changed, cut short, extended.
std::vector<std::string> near_misses() {
  std::vector<std::string> out = {"",      "x",      "item",    "-item",         "start-",
                                  "Start", "queue_", "skipped", "skipped-items", "queue_donE"};
  for (const auto list :
       {std::span<const std::string_view>(kToday), std::span<const std::string_view>(kAdded)}) {
    for (const std::string_view w : list) {
      out.emplace_back(w.substr(0, w.size() - 1));
      out.emplace_back(std::string(w) + "s");
      for (std::size_t i = 0; i < w.size(); ++i) {
        std::string changed(w);
        changed[i] = changed[i] == 'z' ? 'y' : 'z';
        out.push_back(changed);
      }
    }
  }
  return out;
}

bool is_listed(std::string_view w) {
  const auto in = [&](std::span<const std::string_view> list) {
    return std::find(list.begin(), list.end(), w) != list.end();
  };
  return in(kToday) || in(kAdded);
}

}  // namespace

TEST_CASE("today's actions hash on their ends alone: the engine's lookup stays cheap") {
  CHECK(kTodayActions.mode() == ActionTable<kTodayCount>::Mode::ends);
  for (const std::string_view w : kToday) {
    CAPTURE(w);
    CHECK(kTodayActions.find(w, Action::none) == Action::today);
    CHECK(padded_find(kTodayActions, std::string(w)) == Action::today);
  }
}

TEST_CASE("ten new action names, some alike at both ends, still make a table") {
  // Three pairs agree in length, first and last byte, so more bytes decide the slot.
  CHECK(kAllActions.mode() != ActionTable<kAllCount>::Mode::ends);
  for (const std::string_view w : kToday) {
    CAPTURE(w);
    CHECK(kAllActions.find(w, Action::none) == Action::today);
    CHECK(padded_find(kAllActions, std::string(w)) == Action::today);
  }
  for (const std::string_view w : kAdded) {
    CAPTURE(w);
    CHECK(kAllActions.find(w, Action::none) == Action::added);
    CHECK(padded_find(kAllActions, std::string(w)) == Action::added);
  }
  for (const std::string& w : near_misses()) {
    if (is_listed(w)) continue;  // a changed byte may spell another listed word
    CAPTURE(w);
    CHECK(kAllActions.find(w, Action::none) == Action::none);
    CHECK(padded_find(kAllActions, w) == Action::none);
    CHECK(kTodayActions.find(w, Action::none) == Action::none);
    CHECK(padded_find(kTodayActions, w) == Action::none);
  }
}

TEST_CASE("words alike in every byte the cheaper modes read fall back to the whole word") {
  // Same length, same first two and last two bytes: only the middle differs.
  constexpr wte::log::KeywordTable<Word, 3> kAlike({{
      {"abcde", Word::msg},
      {"abxde", Word::item},
      {"a", Word::contents},
  }});
  using Mode = wte::log::KeywordTable<Word, 3>::Mode;
  CHECK(kAlike.mode() == Mode::whole_word);
  CHECK(kAlike.find("abcde", Word::none) == Word::msg);
  CHECK(kAlike.find("abxde", Word::none) == Word::item);
  CHECK(kAlike.find("a", Word::none) == Word::contents);
  CHECK(kAlike.find("abyde", Word::none) == Word::none);
  CHECK(kAlike.find("b", Word::none) == Word::none);

  constexpr wte::log::KeywordTable<Word, 2> kInner({{
      {"queue_size", Word::msg},
      {"queue_done", Word::item},
  }});
  CHECK(kInner.mode() == wte::log::KeywordTable<Word, 2>::Mode::ends_and_inner);
  CHECK(kInner.find("queue_done", Word::none) == Word::item);
  CHECK(kInner.find("queue_size", Word::none) == Word::msg);
}

TEST_CASE("a table has at least four slots per word") {
  CHECK(kWords.slot_count() == 64);
  CHECK(ActionTable<kAllCount>::slot_count() >= 4 * kAllCount);
}
