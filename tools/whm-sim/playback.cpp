#include "playback.hpp"

#include <rapidjson/document.h>

#include <cmath>

#include "log/log_actions.hpp"

namespace wte::whmsim {

namespace {

struct LineFacts {
  const log::LogAction* action = nullptr;  // the row of its action (one that does nothing if
                                           // unknown); null: not a log line
  bool has_queue = false;
  bool transfer_queue = false;
};

// What a line says about the session; a line that is not a log object says nothing.
LineFacts facts(std::string_view line) {
  LineFacts f;
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  if (d.HasParseError() || !d.IsObject()) return f;
  const rapidjson::Value& doc = d;  // const iterators: no ambiguous == in C++20
  const auto c = doc.FindMember("contents");
  if (c == doc.MemberEnd() || !c->value.IsObject()) return f;
  const auto a = c->value.FindMember("action");
  const auto q = c->value.FindMember("queue");
  if (a == c->value.MemberEnd() || !a->value.IsString()) return f;
  f.action = &log::log_action(std::string_view(a->value.GetString(), a->value.GetStringLength()));
  f.has_queue = q != c->value.MemberEnd() && q->value.IsString();
  f.transfer_queue = f.has_queue && std::string_view(q->value.GetString()) == "TRANSFER";
  return f;
}

}  // namespace

Playback::Playback(std::string log, double lines_per_second, Clock::time_point start)
    : text_(std::move(log)), rate_(lines_per_second), start_(start) {
  std::string state;
  bool transfer_done = false;
  for (std::size_t at = 0; at < text_.size();) {
    const std::size_t nl = text_.find('\n', at);
    const std::size_t end = nl == std::string::npos ? text_.size() : nl + 1;
    const LineFacts f = facts(std::string_view(text_).substr(at, end - at));
    if (f.action && !f.has_queue && !f.action->session_state.empty()) {
      state = std::string(f.action->session_state);
    }
    // The first TRANSFER worker done with its queue: TRANSFER is over.
    if (f.action && f.transfer_queue && f.action->queue_effect == log::QueueEffect::worker_done) {
      transfer_done = true;
    }
    line_ends_.push_back(end);
    state_after_.push_back(state);
    transfer_done_after_.push_back(transfer_done);
    at = end;
  }
}

std::size_t Playback::released_lines(Clock::time_point now) const noexcept {
  std::size_t n = 0;
  if (now >= start_) {
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double lines = std::floor(seconds * rate_);
    n = lines >= static_cast<double>(lines_total()) ? lines_total()
                                                    : static_cast<std::size_t>(lines);
  }
  return std::max(n, forced_);
}

std::string_view Playback::released_text(Clock::time_point now) const noexcept {
  const std::size_t n = released_lines(now);
  return std::string_view(text_).substr(0, n == 0 ? 0 : line_ends_[n - 1]);
}

std::string Playback::api_state(Clock::time_point now,
                                const std::optional<std::string>& end_state) const {
  const std::size_t n = released_lines(now);
  if (n == 0 && !started(now)) return "PENDING";
  if (n == lines_total() && end_state) return *end_state;
  const std::string& s = n == 0 ? std::string() : state_after_[n - 1];
  return s.empty() ? "RUNNING" : s;
}

bool Playback::transfer_done(Clock::time_point now) const noexcept {
  const std::size_t n = released_lines(now);
  return n > 0 && transfer_done_after_[n - 1];
}

}  // namespace wte::whmsim
