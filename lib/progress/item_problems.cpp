#include "progress/item_problems.hpp"

#include "progress/terminal_text.hpp"

namespace wte::progress {

namespace {

constexpr std::size_t kEventIndent = 10;  // under the text after "FAILED    "

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string item_name(const log::ItemRecord& item) {
  return terminal_safe(item.queue) + " " + terminal_safe(item.name);
}

bool has_dangerous(const log::ItemRecord& item) {
  return item.finished() && (item.dangerous_items > 0 || !item.dangerous_texts.empty());
}

bool has_altered(const log::ItemRecord& item) {
  return item.altered_items > 0 || !item.altered_texts.empty();
}

std::string failure_text(const log::ItemRecord& item) {
  return item.failure ? *item.failure : std::string("(no failure text)");
}

std::string key_of(const log::ItemRecord& item) {
  return item.queue + '\0' + item.name;
}

}  // namespace

std::string failed_item_event(const log::ItemRecord& item) {
  return indented_lines(failure_text(item), "FAILED    " + item_name(item) + ": ",
                        kEventIndent + 2);
}

std::string dangerous_item_event(const log::ItemRecord& item) {
  std::string out = "DANGEROUS " + item_name(item) + ": " +
                    plural(item.dangerous_items, "dangerous item", "dangerous items") + "\n";
  const std::string prefix(kEventIndent, ' ');
  for (const auto& t : item.dangerous_texts) out += indented_lines(t, prefix, kEventIndent + 2);
  return out;
}

std::string problem_details(const log::SessionModel& model) {
  std::string failed, flagged;
  for (const auto& item : model.items()) {
    if (item.status == log::ItemStatus::failed) {
      const std::string prefix = "  " + item_name(item) + ": ";
      failed += indented_lines(failure_text(item), prefix, 4);
    }
    if (item.dangerous_items > 0 || !item.dangerous_texts.empty() || has_altered(item)) {
      flagged += "  " + item_name(item) + ": " +
                 plural(item.dangerous_items, "dangerous item", "dangerous items") + ", " +
                 plural(item.altered_items, "altered item", "altered items") + "\n";
      for (const auto& t : item.dangerous_texts)
        flagged += indented_lines(t, "    dangerous: ", 15);
      for (const auto& t : item.altered_texts) flagged += indented_lines(t, "    altered:   ", 15);
    }
  }
  std::string out;
  if (!failed.empty()) out += "\nFailed items:\n" + failed;
  if (!flagged.empty()) out += "\nItems with dangerous or altered items:\n" + flagged;
  return out;
}

std::string ProblemFeed::new_events(const log::SessionModel& model) {
  std::string out;
  for (const auto& item : model.items()) {
    if (item.status == log::ItemStatus::failed && failed_.insert(key_of(item)).second)
      out += failed_item_event(item);
    if (has_dangerous(item) && dangerous_.insert(key_of(item)).second)
      out += dangerous_item_event(item);
  }
  return out;
}

}  // namespace wte::progress
