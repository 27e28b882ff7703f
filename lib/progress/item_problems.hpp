#pragma once
// Failed items and items with dangerous (or altered) items, as a person reads them: as they
// happen during `progress --follow` (ProblemFeed), and as the details of the report. A text
// of several lines is shown as several indented lines, never as a literal "\n". Pure.
#include <string>
#include <unordered_set>

#include "log/session_model.hpp"

namespace wte::progress {

// "FAILED    TRANSFER root: The account “root” already exists …", then its other lines.
std::string failed_item_event(const log::ItemRecord& item);
// "DANGEROUS RESTORE colin: 1 dangerous item", then its texts, one per line and indented.
std::string dangerous_item_event(const log::ItemRecord& item);

// The report's details: "Failed items:" with their texts, then "Items with dangerous or
// altered items:" with theirs; each section only when it has an item, after a blank line.
std::string problem_details(const log::SessionModel& model);

// The problems not shown yet: each failed item, and each finished item with dangerous
// items, once (by queue and name, so a log read again from its start repeats nothing).
class ProblemFeed {
 public:
  std::string new_events(const log::SessionModel& model);

 private:
  std::unordered_set<std::string> failed_;
  std::unordered_set<std::string> dangerous_;
};

}  // namespace wte::progress
