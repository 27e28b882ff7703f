#pragma once
// What happens to one account in a generated session, decided up front from the seed and
// the account's number, so the header can announce queue sizes without keeping accounts.
#include <cstdint>
#include <string>
#include <vector>

#include "log_generator.hpp"

namespace wte::loggen {

struct ResultPlan {
  bool fails = false;
  std::string failure;        // the failure text, when it fails
  bool child_failed = false;  // a worker dies on the first attempt and the item is retried
  std::int64_t warnings = 0;
  std::int64_t skipped_items = 0;
  std::int64_t dangerous_items = 0;
  std::int64_t altered_items = 0;
  std::vector<std::string> dangerous_texts;  // messages (UTF-8) of msg.contents.dangerous_items
  std::vector<std::string> altered_texts;    // messages of msg.contents.altered_items
  std::vector<std::string> renames;          // "orig\nnew" for each altered text
  std::string message;                       // msg.message; empty: null

  bool has_counts() const noexcept {
    return warnings > 0 || skipped_items > 0 || dangerous_items > 0 || altered_items > 0;
  }
};

struct AccountPlan {
  std::string name;
  std::int64_t size = 0;
  ResultPlan transfer;
  ResultPlan restore;  // ignored when the transfer fails
};

// Account number `index` of a session generated from `spec` (names not yet unique).
AccountPlan plan_account(const LogSpec& spec, std::uint64_t index);

// A cPanel-like user name for account `index` (lower case, starts with a letter, <= 16).
std::string account_name(std::uint64_t seed, std::uint64_t index);

}  // namespace wte::loggen
