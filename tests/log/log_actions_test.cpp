#include "log/log_actions.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "log/master_log.hpp"
#include "log/session_state.hpp"
#include "log_builder.hpp"

using namespace wte::log;

TEST_CASE("every action of the table is found by its name, anything else is the empty row") {
  for (const LogAction& row : kLogActions) {
    CAPTURE(row.name);
    CHECK(&log_action(row.name) != &log_action("no-such-action"));
    CHECK(log_action(row.name).name == row.name);
  }
  for (const std::string_view other : {"", "Start", "starts", "star", "item", "skipped-item"}) {
    CAPTURE(other);
    const LogAction& row = log_action(other);
    CHECK(row.name.empty());
    CHECK(row.session_state.empty());
    CHECK(row.session_field == SessionField::none);
    CHECK(row.queue_effect == QueueEffect::none);
  }
}

TEST_CASE("a row is consistent: a session line either changes the state or sets a fact") {
  const auto known = known_states();
  for (const LogAction& row : kLogActions) {
    CAPTURE(row.name);
    CHECK_FALSE(row.name.empty());
    CHECK((row.session_state.empty() || row.session_field == SessionField::none));
    if (!row.session_state.empty()) {
      CHECK(std::find(known.begin(), known.end(), row.session_state) != known.end());
    }
  }
}

TEST_CASE("the session's state after a child-0 action (docs/LOG-FORMAT.md section 4)") {
  CHECK(state_after_action("start") == state::kRunning);
  CHECK(state_after_action("resume") == state::kRunning);
  CHECK(state_after_action("pausing") == state::kPausing);
  CHECK(state_after_action("pause") == state::kPaused);
  CHECK(state_after_action("aborting") == state::kAborting);
  CHECK(state_after_action("abort") == state::kAborted);
  CHECK(state_after_action("fail") == state::kFailed);
  CHECK(state_after_action("complete") == state::kCompleted);
  for (const std::string_view other : {"initiator", "queue_count", "start-item", "x", ""}) {
    CHECK_FALSE(state_after_action(other).has_value());
  }
}

TEST_CASE("what queue lines do") {
  CHECK(log_action("queue_count").queue_effect == QueueEffect::items_total);
  CHECK(log_action("queue_size").queue_effect == QueueEffect::bytes_total);
  CHECK(log_action("child-failed").queue_effect == QueueEffect::child_failure);
  CHECK(log_action("start").queue_effect == QueueEffect::item_seen);
  CHECK(log_action("process-item").queue_effect == QueueEffect::item_seen);
  CHECK(log_action("start-item").queue_effect == QueueEffect::item_size);
  CHECK(log_action("complete").queue_effect == QueueEffect::worker_done);
  CHECK(log_action("resume").queue_effect == QueueEffect::none);
  CHECK(is_item_result(log_action("success-item").queue_effect));
  CHECK(is_item_result(log_action("warning-item").queue_effect));
  CHECK(is_item_result(log_action("failed-item").queue_effect));
  CHECK_FALSE(is_item_result(log_action("start-item").queue_effect));
  CHECK(log_action("initiator").session_field == SessionField::initiator);
  CHECK(log_action("version").session_field == SessionField::version);
  CHECK(log_action("remotehost").session_field == SessionField::remote_host);
}

TEST_CASE("the engine follows the table: each row's effect shows in the summary") {
  using namespace wte::test;
  for (const LogAction& row : kLogActions) {
    CAPTURE(row.name);
    // Without a queue: the state it names, or the fact it carries.
    const MasterLog session = summarize(control("start") + control(std::string(row.name), "\"v\""));
    if (!row.session_state.empty()) CHECK(session.info().state == row.session_state);
    if (row.session_field == SessionField::initiator) CHECK(session.info().initiator == "v");
    if (row.session_field == SessionField::version) CHECK(session.info().version == "v");
    if (row.session_field == SessionField::remote_host) CHECK(session.info().remote_host == "v");
    // With a queue and an item: an item exists exactly when the effect is about one.
    const MasterLog queue = summarize(worker(std::string(row.name), "TRANSFER", "acct"));
    const QueueEffect e = row.queue_effect;
    const bool about_item =
        e == QueueEffect::item_seen || e == QueueEffect::item_size || is_item_result(e);
    CHECK(queue.model().items().size() == (about_item ? 1u : 0u));
    if (about_item) CHECK(queue.model().items()[0].finished() == is_item_result(e));
  }
}
