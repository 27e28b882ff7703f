#include "account_plan.hpp"

#include <cmath>

#include "json_text.hpp"

namespace wte::loggen {

namespace {

const std::vector<std::string> kSyllables = {
    "al", "an", "be", "bo", "co", "da", "de",   "el",    "fa",    "fi",   "jo",  "ka",  "ki", "li",
    "lo", "ma", "mi", "ne", "no", "ol", "pa",   "pe",    "ri",    "ro",   "sa",  "si",  "ta", "te",
    "to", "va", "vo", "xi", "ya", "zu", "fred", "colin", "stacy", "shop", "web", "blog"};

std::string transfer_failure(Random& r, const std::string& name, const LogSpec& spec) {
  switch (r.below(4)) {
    case 0:
      return "The account “" + name + "” already exists on “destination.example.net”.";
    case 1:
      return "The system failed to connect to “" + spec.remote_host +
             "” because of an error: Connection timed out";
    case 2:
      return "The remote server “" + spec.remote_host +
             "” did not return a valid account archive for “" + name + "”.";
    default:
      return "The system could not create the account “" + name + "” because a database named “" +
             name + "_wp” already exists.";
  }
}

std::string restore_failure(Random& r, const std::string& name) {
  switch (r.below(3)) {
    case 0:
      return "The system failed to restore the account “" + name +
             "” because the username conflicts with an existing database user.";
    case 1:
      return "Restore of “" + name + "” failed: the disk quota for “/home” is exceeded.";
    default:
      return "pkgacct on the source server exited with an error:\nTar archive “cpmove-" + name +
             ".tar.gz” is truncated.";
  }
}

void add_warnings(Random& r, ResultPlan& p, const std::string& name) {
  p.warnings = r.between(1, 4);
  p.skipped_items = r.between(0, 12);
  p.altered_items = r.between(0, 2);
  for (std::int64_t i = 0; i < p.altered_items; ++i) {
    const std::string orig = name + "_db" + std::to_string(i);
    const std::string renamed = name.substr(0, 8) + "_db" + std::to_string(i);
    p.altered_texts.push_back("mySQL  database “" + orig + "” restored as “" + renamed + "”");
    p.renames.push_back(orig + "\n" + renamed);
  }
  if (r.chance(0.3)) p.message = "Restored with warnings.\nSee the item log for details.";
}

void add_dangerous(Random& r, ResultPlan& p, const std::string& name) {
  p.dangerous_items = r.between(1, 2);
  if (p.warnings == 0) p.warnings = p.dangerous_items;
  for (std::int64_t i = 0; i < p.dangerous_items; ++i) {
    p.dangerous_texts.push_back(
        i == 0 ? "MySQL:  Skipping grants for these MySQL databases: " + name +
                     "_%. These databases don't exist in the archive."
               : "The account “" + name + "” has a cron job that runs “/home/" + name +
                     "/.cache/update.sh”.");
  }
}

}  // namespace

std::string account_name(std::uint64_t seed, std::uint64_t index) {
  Random r(mix_seed(seed ^ 0x6e616d65ULL, index));
  std::string name = r.pick(kSyllables);
  const auto extra = r.below(3);
  for (std::uint64_t i = 0; i < extra; ++i) name += r.pick(kSyllables);
  if (r.chance(0.3)) name += std::to_string(r.below(100));
  return name.substr(0, 16);
}

AccountPlan plan_account(const LogSpec& spec, std::uint64_t index) {
  Random r(mix_seed(spec.seed, index));
  AccountPlan a;
  a.name = account_name(spec.seed, index);
  // Sizes spread over six decades, 10 kB to 10 GB, as real hosting accounts do.
  a.size = static_cast<std::int64_t>(std::pow(10.0, 4.0 + 6.0 * r.unit()));
  if (r.chance(spec.failure_rate)) {
    ResultPlan& failing = r.chance(0.5) ? a.transfer : a.restore;
    failing.fails = true;
    failing.failure =
        &failing == &a.transfer ? transfer_failure(r, a.name, spec) : restore_failure(r, a.name);
  }
  if (!a.restore.fails) {
    if (r.chance(spec.warning_rate)) add_warnings(r, a.restore, a.name);
    if (r.chance(spec.dangerous_rate)) add_dangerous(r, a.restore, a.name);
  }
  if (!a.transfer.fails && r.chance(spec.warning_rate * 0.1)) {
    a.transfer.skipped_items = r.between(1, 3);  // transfers rarely warn: skipped files only
  }
  a.transfer.child_failed = r.chance(spec.child_failed_rate / 2);
  a.restore.child_failed = r.chance(spec.child_failed_rate / 2);
  return a;
}

}  // namespace wte::loggen
