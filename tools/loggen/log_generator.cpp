#include "log_generator.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "account_plan.hpp"
#include "json_text.hpp"
#include "log/log_actions.hpp"

namespace wte::loggen {

std::optional<LogSpec::Style> parse_style(std::string_view name) noexcept {
  if (name == "modern") return LogSpec::Style::modern;
  if (name == "legacy") return LogSpec::Style::legacy;
  if (name == "mixed") return LogSpec::Style::mixed;
  return std::nullopt;
}

const ExpectedQueue* Expected::queue(std::string_view name) const noexcept {
  for (const auto& q : queues) {
    if (q.name == name) return &q;
  }
  return nullptr;
}

const ExpectedAccountItem* ExpectedAccount::item(std::string_view queue) const noexcept {
  for (const auto& i : items) {
    if (i.queue == queue) return &i;
  }
  return nullptr;
}

namespace {

constexpr std::string_view kTransfer = "TRANSFER";
constexpr std::string_view kRestore = "RESTORE";

// The numbers an item line gives its item: the generator's own truth, not a parse of the
// line. Whether the line is a result, and which, is its action's (lib/log/log_actions.hpp).
struct ItemEffect {
  std::optional<std::int64_t> size;
  std::int64_t warnings = 0, skipped = 0, dangerous = 0, altered = 0;
};

// One line waiting to be written: everything but its key order and its time.
struct Pending {
  bool legacy = false;
  std::int64_t pid = 0;
  int child = 0;
  std::string action;
  std::string queue;  // empty: a session (child 0) line
  std::string item;   // empty: not an item line
  std::string item_type;
  std::string msg;  // written JSON; empty: no msg
  std::optional<ItemEffect> effect;
  std::optional<std::string> session_value;  // initiator, version or remote host as stored
  std::string failure;                       // a failed-item's text
  std::int64_t time_step = 0;                // seconds after the previous line
  bool glue_next = false;  // the same worker writes the next line at once, uninterrupted
};

// An item's current share of its queue's sums.
struct Contribution {
  bool finished = false;
  bool failed = false;
  bool had_warnings = false;
  std::optional<std::int64_t> size;
  std::int64_t warnings = 0, skipped = 0, dangerous = 0, altered = 0;
};

void contribute(ExpectedQueue& q, const Contribution& c, std::int64_t sign) {
  if (!c.finished) return;
  q.items_finished += sign;
  if (c.failed) {
    q.items_failed += sign;
  } else {
    q.items_succeeded += sign;
    if (c.had_warnings) q.items_with_warnings += sign;
  }
  q.bytes_finished += sign * c.size.value_or(0);
  q.warnings += sign * c.warnings;
  q.skipped_items += sign * c.skipped;
  q.dangerous_items += sign * c.dangerous;
  q.altered_items += sign * c.altered;
}

// An item line that gives its item a result (success, warning or failure).
bool is_result_line(const Pending& p) {
  return p.effect && log::is_item_result(log::log_action(p.action).queue_effect);
}

// A worker: one child number of one queue, running one item's lines at a time.
struct Slot {
  std::string_view queue;
  int child = 0;
  std::int64_t pid = 0;
  std::deque<Pending> lines;
  std::optional<AccountPlan> forward;  // goes on to RESTORE once its lines are out
  bool completed = false;
  bool busy() const noexcept { return !lines.empty(); }
};

}  // namespace

struct LogGenerator::Impl {
  enum class Phase { header, run, pausing, aborting, done };

  LogSpec spec;
  Random random;
  Expected expected;
  std::deque<Pending> ready;
  std::vector<Slot> slots;  // TRANSFER workers, then RESTORE workers
  std::deque<AccountPlan> restore_waiting;
  std::unordered_set<std::string> names;
  std::vector<std::unordered_map<std::string, Contribution>> truth;  // parallel to queues
  std::unordered_map<std::string, std::size_t> account_index;        // into expected.accounts
  std::uint64_t accounts_total = 0;
  bool unbounded = false;
  std::uint64_t next_account = 0;
  std::uint64_t transfer_results = 0;
  std::uint64_t pause_at = 0, cut_at = 0;
  bool paused_once = false;
  Phase phase = Phase::header;
  std::int64_t now = 0;
  std::int64_t child0_pid = 0;
  std::int64_t last_pid = 0;
  std::string item_type;

  explicit Impl(LogSpec s) : spec(std::move(s)), random(mix_seed(spec.seed, ~0ULL)) {
    unbounded = spec.target_bytes > 0;
    accounts_total = unbounded ? estimate_accounts() : spec.accounts;
    pause_at = std::max<std::uint64_t>(1, accounts_total * 3 / 10);
    cut_at = std::max<std::uint64_t>(1, accounts_total * 6 / 10);
    now = spec.start_time;
    child0_pid = random.between(2000, 60000);
    last_pid = child0_pid;
    item_type = spec.initiator == "norootcopy" ? "AccountRemoteUser" : "AccountRemoteRoot";
    const unsigned workers = std::max(1u, spec.workers);
    for (std::string_view q : {kTransfer, kRestore}) {
      for (unsigned i = 1; i <= workers; ++i) {
        slots.push_back({q, static_cast<int>(i), new_pid(), {}, {}, false});
      }
    }
  }

  // For a size target: how many accounts a complete log of that size would hold, from a
  // small sample generated with the same settings.
  std::uint64_t estimate_accounts() const {
    constexpr std::size_t kSample = 64;
    LogSpec sample = spec;
    sample.target_bytes = 0;
    sample.accounts = kSample;
    sample.end_state = "COMPLETED";
    sample.pause_resume = false;
    const Expected e = generate(sample, [](std::string_view) {});
    const std::uint64_t per_account = std::max<std::uint64_t>(1, e.bytes / kSample);
    // A little more than fits, so the snapshot at the target looks like a session still
    // under way rather than one that overran its own queue_count.
    const std::uint64_t fits = spec.target_bytes / per_account;
    return fits + fits / 20 + std::max(1u, spec.workers) + 1;
  }

  std::int64_t new_pid() { return last_pid += random.between(1, 3); }

  bool legacy_line() {
    switch (spec.style) {
      case LogSpec::Style::modern:
        return false;
      case LogSpec::Style::legacy:
        return true;
      case LogSpec::Style::mixed:
        return random.chance(0.5);
    }
    return false;
  }

  // ---- the schedule ------------------------------------------------------------------

  bool next(std::string& line) {
    if (spec.target_bytes > 0 && expected.bytes >= spec.target_bytes) return false;
    while (ready.empty()) {
      if (!step()) return false;
    }
    Pending p = std::move(ready.front());
    ready.pop_front();
    line = render(p);
    account_for(p, line);
    return true;
  }

  bool step() {
    switch (phase) {
      case Phase::header:
        header();
        return true;
      case Phase::run:
        return step_running();
      case Phase::pausing:
        if (emit_from_busy_slot()) return true;
        session_line("pause", 1);
        session_line("resume", random.between(120, 3600));
        phase = Phase::run;
        return true;
      case Phase::aborting:
        if (emit_from_busy_slot()) return true;
        session_line("abort", 1);
        phase = Phase::done;
        return true;
      case Phase::done:
        return false;
    }
    return false;
  }

  bool step_running() {
    if (spec.pause_resume && !paused_once && transfer_results >= pause_at) {
      paused_once = true;
      session_line("pausing", 1);
      phase = Phase::pausing;
      return true;
    }
    if (!unbounded && spec.end_state != "COMPLETED" && transfer_results >= cut_at &&
        (!spec.pause_resume || paused_once)) {
      return cut();
    }
    fill_slots();
    if (emit_from_busy_slot()) return true;
    // Every worker has written its `complete`: the session is done.
    session_line("complete", 1);
    phase = Phase::done;
    return true;
  }

  bool cut() {
    phase = Phase::done;
    if (spec.end_state == "FAILED") {
      session_line("fail", 1);
      return true;
    }
    if (spec.end_state == "ABORTED") {
      session_line("aborting", 1);
      phase = Phase::aborting;
      return true;
    }
    return false;  // RUNNING: the log simply stops here
  }

  void fill_slots() {
    bool transfer_done = true;
    for (Slot& s : slots) {
      if (s.queue != kTransfer) continue;
      if (!s.busy() && !s.completed) {
        if (unbounded || next_account < accounts_total) {
          start_transfer(s, take_account());
        } else {
          complete_slot(s);
        }
      }
      transfer_done = transfer_done && s.completed && !s.busy();
    }
    for (Slot& s : slots) {
      if (s.queue != kRestore || s.busy() || s.completed) continue;
      if (!restore_waiting.empty()) {
        AccountPlan a = std::move(restore_waiting.front());
        restore_waiting.pop_front();
        start_restore(s, a);
      } else if (transfer_done) {
        complete_slot(s);
      }
    }
  }

  bool emit_from_busy_slot() {
    std::vector<Slot*> busy;
    for (Slot& s : slots) {
      if (s.busy()) busy.push_back(&s);
    }
    if (busy.empty()) return false;
    Slot& s = *busy[random.below(busy.size())];
    bool glued = true;
    while (glued && s.busy()) {
      Pending p = std::move(s.lines.front());
      s.lines.pop_front();
      if (p.queue == kTransfer && is_result_line(p)) ++transfer_results;
      glued = p.glue_next;
      ready.push_back(std::move(p));
    }
    if (!s.busy() && s.forward) {
      restore_waiting.push_back(std::move(*s.forward));
      s.forward.reset();
    }
    return true;
  }

  AccountPlan take_account() {
    const std::uint64_t index = next_account++;
    AccountPlan a = plan_account(spec, index);
    const std::string base = a.name;
    for (int k = 0; !names.insert(a.name).second; ++k) {
      a.name = base + std::to_string(index) + (k > 0 ? "x" + std::to_string(k) : "");
    }
    return a;
  }

  // ---- lines -------------------------------------------------------------------------

  Pending& session_line(std::string action, std::int64_t step, std::string queue = {}) {
    Pending p;
    p.legacy = legacy_line();
    p.pid = child0_pid;
    p.action = std::move(action);
    p.queue = std::move(queue);
    p.time_step = step;
    ready.push_back(std::move(p));
    return ready.back();
  }

  // Child 0 announces the session: who, what format, how much, from where.
  void header() {
    session_line("start", 0);
    Pending& init = session_line("initiator", 0);
    init.msg = json_string(spec.initiator, init.legacy);
    init.session_value = spec.initiator;
    Pending& version = session_line("version", 0);
    version.session_value = version.legacy ? "1.6" : "2.3";
    version.msg = version.legacy ? "\"1.6\"" : "2.3";
    std::int64_t bytes = 0;
    for (std::uint64_t i = 0; i < accounts_total; ++i) bytes += plan_account(spec, i).size;
    const auto count = static_cast<std::int64_t>(accounts_total);
    for (std::string_view q : {kTransfer, kRestore}) {
      Pending& n = session_line("queue_count", 0, std::string(q));
      n.msg = json_count(count, n.legacy);
      Pending& size = session_line("queue_size", 0, std::string(q));
      size.msg = json_count(bytes, size.legacy);
    }
    Pending& host = session_line("remotehost", 0);
    host.msg = json_string(spec.remote_host, host.legacy);
    host.session_value = spec.remote_host;
    phase = Phase::run;
  }

  Pending item_line(const Slot& s, std::string_view queue, const AccountPlan& a,
                    std::string action) {
    Pending p;
    p.legacy = legacy_line();
    p.pid = s.pid;
    p.child = s.child;
    p.action = std::move(action);
    p.queue = std::string(queue);
    p.item = a.name;
    p.item_type = item_type;
    p.time_step = random.between(0, 2);
    p.effect = ItemEffect{};
    return p;
  }

  std::string logfile(std::string_view queue, const AccountPlan& a) const {
    return "item-" + std::string(queue) + "_" + item_type + "_" + a.name;
  }

  // start, process-item, start-item: a worker picks the item up.
  void attempt(Slot& s, std::string_view queue, const AccountPlan& a) {
    s.lines.push_back(item_line(s, queue, a, "start"));
    Pending process = item_line(s, queue, a, "process-item");
    process.msg = json_string(logfile(queue, a), process.legacy);
    s.lines.push_back(std::move(process));
    s.lines.push_back(start_item(s, queue, a));
  }

  Pending start_item(const Slot& s, std::string_view queue, const AccountPlan& a) {
    Pending p = item_line(s, queue, a, "start-item");
    p.msg = p.legacy ? json_count(a.size, true) : "{\"size\":" + std::to_string(a.size) + "}";
    p.effect->size = a.size;
    return p;
  }

  // The worker died: child 0 says so, and a new process takes the item again.
  void child_failed(Slot& s, std::string_view queue) {
    Pending p;
    p.legacy = legacy_line();
    p.pid = child0_pid;
    p.action = "child-failed";
    p.queue = std::string(queue);
    p.msg = json_string("1/3", p.legacy);
    p.time_step = random.between(1, 5);
    s.lines.push_back(std::move(p));
    s.pid = new_pid();
  }

  Pending failed_item(const Slot& s, std::string_view queue, const AccountPlan& a,
                      const std::string& failure, bool echo) {
    Pending p = item_line(s, queue, a, "failed-item");
    const bool l = p.legacy;
    Fields msg{{"failure", json_string(failure, l)}, {"size", json_count(a.size, l)}};
    if (!l && !echo) {
      for (std::string_view k : {"warnings", "skipped_items", "dangerous_items", "altered_items"}) {
        msg.emplace_back(k, "0");
      }
      msg.emplace_back("contents", json_object({{"warnings", "null"},
                                                {"skipped_items", "null"},
                                                {"dangerous_items", "null"},
                                                {"altered_items", "null"}},
                                               random));
    }
    p.msg = json_object(std::move(msg), random);
    p.effect->size = a.size;
    p.failure = failure;
    return p;
  }

  std::string text_list(const std::vector<std::string>& entries) {
    if (entries.empty()) return random.chance(0.5) ? "null" : "[]";
    return json_array(entries);
  }

  Pending success_item(const Slot& s, std::string_view queue, const AccountPlan& a,
                       const ResultPlan& r) {
    Pending p = item_line(s, queue, a, "success-item");
    const bool l = p.legacy;
    if (!l && r.has_counts() && random.chance(0.8)) p.action = "warning-item";
    std::vector<std::string> dangerous, altered;
    for (const auto& t : r.dangerous_texts) {
      dangerous.push_back("[[\"Mysql\",\"_restore_mysql\",104]," + json_string(t, l) + ",null]");
    }
    for (std::size_t i = 0; i < r.altered_texts.size(); ++i) {
      const auto& rename = r.renames[i];
      const auto split = rename.find('\n');
      altered.push_back("[[\"Mysql\",\"_update_dbname\",437]," +
                        json_string(r.altered_texts[i], l) +
                        ",[\"Rename\",\"/scripts5/rename_mysql_db\",{\"new\":" +
                        json_string(rename.substr(split + 1), l) +
                        ",\"orig\":" + json_string(rename.substr(0, split), l) + "}]]");
    }
    Fields contents{{"dangerous_items", text_list(dangerous)},
                    {"altered_items", text_list(altered)}};
    if (!l) {
      contents.emplace_back("warnings", "null");
      contents.emplace_back("skipped_items", "null");
    }
    Fields msg{{"warnings", std::to_string(r.warnings)},
               {"skipped_items", std::to_string(r.skipped_items)},
               {"dangerous_items", std::to_string(r.dangerous_items)},
               {"altered_items", std::to_string(r.altered_items)},
               {"contents", json_object(std::move(contents), random)},
               {"message", r.message.empty() ? "null" : json_string(r.message, l)}};
    if (!l) msg.emplace_back("size", std::to_string(a.size));
    p.msg = json_object(std::move(msg), random);
    ItemEffect& e = *p.effect;
    if (!l) e.size = a.size;
    e.warnings = r.warnings;
    e.skipped = r.skipped_items;
    e.dangerous = r.dangerous_items;
    e.altered = r.altered_items;
    return p;
  }

  void start_transfer(Slot& s, const AccountPlan& a) {
    attempt(s, kTransfer, a);
    if (a.transfer.child_failed) {  // died mid-item, no result; the item runs again
      child_failed(s, kTransfer);
      attempt(s, kTransfer, a);
    }
    if (a.transfer.fails) {
      // A failed transfer is at once failed in RESTORE too, by the same worker.
      s.lines.push_back(failed_item(s, kTransfer, a, a.transfer.failure, false));
      s.lines.back().glue_next = true;
      s.lines.push_back(start_item(s, kRestore, a));
      s.lines.back().glue_next = true;
      s.lines.back().time_step = 0;
      s.lines.push_back(failed_item(s, kRestore, a, a.transfer.failure, true));
      s.lines.back().time_step = 0;
      return;
    }
    s.lines.push_back(success_item(s, kTransfer, a, a.transfer));
    s.forward = a;
  }

  void start_restore(Slot& s, const AccountPlan& a) {
    attempt(s, kRestore, a);
    if (a.restore.child_failed) {  // a result, then a retry whose result wins
      s.lines.push_back(failed_item(
          s, kRestore, a, "The child process for “" + a.name + "” exited (signal 9).", false));
      child_failed(s, kRestore);
      attempt(s, kRestore, a);
    }
    if (a.restore.fails) {
      s.lines.push_back(failed_item(s, kRestore, a, a.restore.failure, false));
    } else {
      s.lines.push_back(success_item(s, kRestore, a, a.restore));
    }
  }

  void complete_slot(Slot& s) {
    Pending p;
    p.legacy = legacy_line();
    p.pid = s.pid;
    p.child = s.child;
    p.action = "complete";
    p.queue = std::string(s.queue);
    p.time_step = random.between(0, 1);
    s.lines.push_back(std::move(p));
    s.completed = true;
  }

  // ---- writing and accounting --------------------------------------------------------

  std::string render(const Pending& p) {
    now += p.time_step;
    const bool l = p.legacy;
    Fields c{{"action", json_string(p.action, l)}, {"child_number", std::to_string(p.child)}};
    if (!p.queue.empty()) c.emplace_back("queue", json_string(p.queue, l));
    if (!p.item.empty()) {
      c.emplace_back("item", json_string(p.item, l));
      c.emplace_back("item_type", json_string(p.item_type, l));
      c.emplace_back("item_name", "\"Account\"");
      const bool has_logfile = !l || p.action != "start";
      if (has_logfile) {
        c.emplace_back("logfile",
                       json_string("item-" + p.queue + "_" + p.item_type + "_" + p.item, l));
      }
      if (!l) c.emplace_back("local_item", json_string(p.item, l));
    }
    if (!p.msg.empty()) c.emplace_back("msg", p.msg);
    if (!l) c.emplace_back("time", std::to_string(now));
    Fields outer{{"pid", json_count(p.pid, l)},
                 {"type", "\"control\""},
                 {"contents", json_object(std::move(c), random)}};
    if (!l) {
      outer.emplace_back("indent", "0");
      outer.emplace_back("partial", "0");
    }
    return json_object(std::move(outer), random);
  }

  std::size_t queue_index(std::string_view name) {
    for (std::size_t i = 0; i < expected.queues.size(); ++i) {
      if (expected.queues[i].name == name) return i;
    }
    expected.queues.push_back({});
    expected.queues.back().name = std::string(name);
    truth.emplace_back();
    return expected.queues.size() - 1;
  }

  std::optional<std::string>* session_field(log::SessionField f) {
    switch (f) {
      case log::SessionField::initiator:
        return &expected.initiator;
      case log::SessionField::version:
        return &expected.version;
      case log::SessionField::remote_host:
        return &expected.remote_host;
      case log::SessionField::none:
        break;
    }
    return nullptr;
  }

  void account_for(const Pending& p, const std::string& line) {
    ++expected.lines;
    expected.bytes += line.size() + 1;
    if (!p.legacy) {
      if (!expected.started_at) expected.started_at = now;
      expected.last_event_at = now;
    }
    // What the action does comes from the log's vocabulary; what the item amounts to from
    // the generator's own plan (p.effect), not from a parse of the line.
    const log::LogAction& action = log::log_action(p.action);
    if (p.queue.empty()) {
      if (!action.session_state.empty()) expected.state = action.session_state;
      if (auto* field = session_field(action.session_field)) *field = p.session_value;
      return;
    }
    const std::size_t qi = queue_index(p.queue);
    ExpectedQueue& q = expected.queues[qi];
    const log::QueueEffect effect = action.queue_effect;
    if (effect == log::QueueEffect::items_total || effect == log::QueueEffect::bytes_total) {
      const auto n = std::stoll(p.msg.substr(p.msg[0] == '"' ? 1 : 0));
      (effect == log::QueueEffect::items_total ? q.items_total : q.bytes_total) = n;
      return;
    }
    if (effect == log::QueueEffect::child_failure) ++q.child_failures;
    if (!p.effect) return;
    auto [it, inserted] = truth[qi].try_emplace(p.item);
    if (inserted) ++q.items_started;
    Contribution& c = it->second;
    const ItemEffect& e = *p.effect;
    contribute(q, c, -1);
    if (e.size) c.size = e.size;
    if (log::is_item_result(effect)) {
      c.finished = true;
      c.failed = effect == log::QueueEffect::item_failed;
      c.warnings = e.warnings;
      c.skipped = e.skipped;
      c.dangerous = e.dangerous;
      c.altered = e.altered;
      c.had_warnings = effect == log::QueueEffect::item_warned || e.warnings > 0 || e.skipped > 0 ||
                       e.dangerous > 0 || e.altered > 0;
    }
    contribute(q, c, +1);
    account_for_item(p, effect);
  }

  // The account's side of an item line: when its item started and how it ended.
  void account_for_item(const Pending& p, log::QueueEffect effect) {
    const auto [it, inserted] = account_index.try_emplace(p.item, expected.accounts.size());
    if (inserted) expected.accounts.emplace_back().name = p.item;
    ExpectedAccount& account = expected.accounts[it->second];
    ExpectedAccountItem* item = nullptr;
    for (auto& i : account.items) {
      if (i.queue == p.queue) item = &i;
    }
    if (!item) {
      item = &account.items.emplace_back();
      item->queue = p.queue;
    }
    const std::optional<std::int64_t> time =
        p.legacy ? std::nullopt : std::optional<std::int64_t>(now);
    if (p.effect->size) item->size = p.effect->size;
    if (effect == log::QueueEffect::item_seen || effect == log::QueueEffect::item_size) {
      if (!item->started_at) item->started_at = time;
    }
    if (!log::is_item_result(effect)) return;
    item->result_at = time;
    item->result_line = expected.lines;
    item->failed = effect == log::QueueEffect::item_failed;
    item->failure = item->failed ? p.failure : "";
    item->dangerous_items = p.effect->dangerous;
  }
};

LogGenerator::LogGenerator(LogSpec spec) : impl_(std::make_unique<Impl>(std::move(spec))) {}
LogGenerator::~LogGenerator() = default;

bool LogGenerator::next(std::string& line) {
  return impl_->next(line);
}
const Expected& LogGenerator::expected() const noexcept {
  return impl_->expected;
}

Expected generate(const LogSpec& spec, const std::function<void(std::string_view)>& sink) {
  LogGenerator gen(spec);
  std::string line;
  while (gen.next(line)) sink(line);
  return gen.expected();
}

std::string generate_text(const LogSpec& spec, Expected* expected) {
  std::string text;
  const Expected e = generate(spec, [&](std::string_view line) {
    text += line;
    text += '\n';
  });
  if (expected) *expected = e;
  return text;
}

}  // namespace wte::loggen
