#include "status/landing_page.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "status/cockpit_view.hpp"
#include "status/html_out.hpp"
#include "status/landing_page_assets.hpp"
#include "status/page_format.hpp"
#include "status/sessions_json.hpp"
#include "text/utf8.hpp"

namespace wte::status {
namespace {

// The exact value of a number for data-value: the shortest text that reads back as the same
// double, in plain notation as JavaScript's String(n) writes it ("1700000000", "8.25"); ""
// when unknown.
std::string exact(std::optional<double> v) {
  if (!v) return {};
  std::array<char, 64> buf{};
  const auto format = std::fabs(*v) < 1e21 ? std::chars_format::fixed : std::chars_format::general;
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), *v, format);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string();
}

std::string exact(std::optional<std::int64_t> v) {
  return v ? std::to_string(*v) : std::string();
}

// Texts from logs and servers are cut this short in the overview (a failure text may hold
// 2 KiB); a session's details in the script show them whole. landing_page.js cuts the same.
constexpr std::size_t kShortText = 300;
constexpr std::size_t kMaxTexts = 3;  // dangerous texts per account in the overview

std::string shorten(std::string_view text) {
  return text::bounded_utf8(text, kShortText);
}

std::string count_or_unknown(std::optional<std::int64_t> v) {
  return v ? format_count(*v) : std::string("?");
}

// A state name as a class (st-RUNNING), for the states' colours; "" for a name that is not
// a plain word, so no text from a server becomes a class of its own.
std::string state_class(std::string_view state) {
  if (state.empty() || state.size() > 40) return {};
  for (const char c : state) {
    if (!((c >= 'A' && c <= 'Z') || c == '_')) return {};
  }
  return "st-" + std::string(state);
}

void badge(HtmlOut& h, std::string_view cls, std::string_view text) {
  h.raw("<span class=\"badge");
  if (!cls.empty()) h.raw(" ").text(cls);
  h.raw("\">").text(text).raw("</span>");
}

// <span data-NAME="FIELD" data-value="EXACT">SHOWN</span>
void value_span(HtmlOut& h, std::string_view name, std::string_view field, std::string_view value,
                std::string_view shown) {
  h.raw("<span").attr(name, field).attr("data-value", value).raw(">").text(shown).raw("</span>");
}

void summary_count(HtmlOut& h, std::string_view field, std::optional<std::int64_t> v) {
  value_span(h, "data-summary", field, exact(v), count_or_unknown(v));
}

std::string when(std::optional<double> at, double now) {
  if (!at) return "?";
  if (*at <= now) return "due now";
  return "in " + format_duration(*at - now);
}

void head(HtmlOut& h, const PageContext& c) {
  h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  // Only this page's own script and style run, and the script fetches only this origin:
  // text that escaped escaping could not run or load anything.
  h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ");
  h.raw("script-src 'sha256-").raw(assets::kJsSha256).raw("'; style-src 'sha256-");
  h.raw(assets::kCssSha256).raw("'; connect-src 'self'; img-src data:; base-uri 'none'; ");
  h.raw("form-action 'none'\">\n");
  if (c.refresh_seconds > 0) {  // without the script, the page reloads now and then
    h.raw("<noscript><meta http-equiv=\"refresh\"");
    h.attr("content", std::to_string(std::max(30, c.refresh_seconds))).raw("></noscript>\n");
  }
  h.raw("<title>whm_transfer_exporter</title>\n");
  // An empty icon: otherwise the browser asks for /favicon.ico and logs the 404.
  h.raw("<link rel=\"icon\" href=\"data:,\">\n<style>").raw(assets::kCss).raw("</style>\n");
  h.raw("</head>\n");
}

void body_start(HtmlOut& h, const PageContext& c) {
  h.raw("<body").attr("data-api", c.sessions_api_path);
  h.attr("data-refresh", std::to_string(c.refresh_seconds));
  h.attr("data-now", exact(std::optional<double>(c.now_unix)));
  h.attr("data-max-problems", std::to_string(c.max_problems));
  h.attr("data-max-causes", std::to_string(c.max_causes));
  h.attr("data-max-accounts-per-cause", std::to_string(c.max_accounts_per_cause));
  h.attr("data-max-dangerous", std::to_string(c.max_dangerous));
  h.attr("data-max-host-rows", std::to_string(c.max_host_rows)).raw(">\n");
  h.raw("<header class=\"top\">\n<h1>whm_transfer_exporter <span class=\"version\">");
  h.text(c.version).raw("</span></h1>\n<nav><a").attr("href", c.metrics_path);
  h.raw(">Metrics</a><a").attr("href", c.sessions_api_path).raw(">Sessions (JSON)</a></nav>\n");
  h.raw("<p class=\"generated\" id=\"updated\">Generated <time");
  h.attr("datetime", format_iso8601(c.now_unix)).raw(">").text(format_utc(c.now_unix));
  h.raw("</time>.</p>\n</header>\n");
}

// ---- Summary band ----

void sessions_tile(HtmlOut& h, const Summary& s) {
  h.raw("<div class=\"tile\"><h2>Sessions</h2><p class=\"big\">");
  summary_count(h, "sessions", s.sessions);
  h.raw("</p><ul>");
  for (const auto& [state, n] : s.sessions_by_state) {
    h.raw("<li>");
    badge(h, state_class(state), state);
    h.raw(" ");
    summary_count(h, "sessions_by_state." + state, n);
    h.raw("</li>");
  }
  h.raw("</ul></div>\n");
}

void fact(HtmlOut& h, std::string_view field, std::optional<std::int64_t> v, std::string_view what,
          std::string_view highlight = {}) {
  h.raw("<li");
  if (!highlight.empty() && v.value_or(0) > 0) h.raw(" class=\"").raw(highlight).raw("\"");
  h.raw(">");
  summary_count(h, field, v);
  h.raw(" ").raw(what).raw("</li>");
}

// An empty bar when a number is unknown (a <progress> without value would move).
void bar(HtmlOut& h, std::optional<std::int64_t> done, std::optional<std::int64_t> total) {
  if (total && *total > 0 && done) {
    h.raw("<progress").attr("max", std::to_string(*total));
    h.attr("value", std::to_string(std::clamp<std::int64_t>(*done, 0, *total))).raw(">");
  } else {
    h.raw("<progress max=\"1\" value=\"0\">");
  }
  h.raw("</progress>");
}

void accounts_tile(HtmlOut& h, const AccountCounts& a) {
  h.raw("<div class=\"tile\"><h2>Accounts</h2><p class=\"big\">");
  summary_count(h, "accounts.done", a.done);
  h.raw(" <span class=\"of\">of ");
  summary_count(h, "accounts.total", a.total);
  h.raw(" done</span></p>");
  bar(h, a.done, a.total);
  h.raw("<ul>");
  fact(h, "accounts.failed", a.failed, "failed", "bad");
  fact(h, "accounts.with_dangerous_items", a.with_dangerous_items, "with dangerous items", "warn");
  fact(h, "accounts.remaining", a.remaining, "remaining");
  h.raw("</ul></div>\n");
}

void bytes_value(HtmlOut& h, std::string_view field, std::optional<std::int64_t> v) {
  value_span(h, "data-summary", field, exact(v), v ? format_bytes(*v) : std::string("?"));
}

void data_tile(HtmlOut& h, const Summary& s) {
  h.raw("<div class=\"tile\"><h2>Data</h2><p class=\"big\">");
  bytes_value(h, "bytes_done", s.bytes_done);
  h.raw(" <span class=\"of\">of ");
  bytes_value(h, "bytes_total", s.bytes_total);
  h.raw("</span></p>");
  bar(h, s.bytes_done, s.bytes_total);
  h.raw("</div>\n");
}

void rate_tile(HtmlOut& h, const Summary& s) {
  h.raw("<div class=\"tile\"><h2>Throughput</h2><p class=\"big\">");
  const auto& r = s.accounts_per_hour;
  value_span(h, "data-summary", "accounts_per_hour", exact(r), r ? format_rate(*r) : "?");
  h.raw(" <span class=\"of\">accounts/h</span></p></div>\n");
}

void eta_tile(HtmlOut& h, const Summary& s, double now) {
  h.raw("<div class=\"tile\"><h2>Estimated completion</h2><p class=\"big\">");
  const auto& eta = s.estimated_completion;
  value_span(h, "data-summary", "estimated_completion", exact(eta), when(eta, now));
  h.raw("</p><ul><li>");
  h.text(eta ? format_utc(*eta) : std::string("no throughput to estimate from yet"));
  h.raw("</li>");
  if (s.sessions_without_estimate.value_or(0) > 0) {  // the estimate leaves them out
    h.raw("<li>");
    summary_count(h, "sessions_without_estimate", s.sessions_without_estimate);
    h.raw(" sessions without an estimate</li>");
  }
  h.raw("</ul></div>\n");
}

void hosts_tile(HtmlOut& h, const Summary& s) {
  h.raw("<div class=\"tile\"><h2>Hosts</h2><p class=\"big");
  if (s.hosts_down.value_or(0) > 0) h.raw(" bad");
  h.raw("\">");
  summary_count(h, "hosts_down", s.hosts_down);
  h.raw(" <span class=\"of\">down of ");
  summary_count(h, "hosts", static_cast<std::int64_t>(s.hosts));
  h.raw("</span></p></div>\n");
}

void summary_section(HtmlOut& h, const CockpitView& v, double now) {
  h.raw("<section id=\"summary\" aria-label=\"Summary\"><div class=\"tiles\" id=\"tiles\">\n");
  sessions_tile(h, v.summary);
  accounts_tile(h, v.summary.accounts);
  data_tile(h, v.summary);
  rate_tile(h, v.summary);
  eta_tile(h, v.summary, now);
  hosts_tile(h, v.summary);
  h.raw("</div></section>\n");
}

// ---- Problems ----

void session_name(HtmlOut& h, const SessionRow& s) {
  h.raw("<strong>").text(s.host).raw("</strong> <code>").text(s.id).raw("</code>");
}

void problem_start(HtmlOut& h, std::string_view level, std::string_view kind, const SessionRow* s) {
  h.raw("<li class=\"").raw(level).raw("\" data-kind=\"").raw(kind).raw("\"");
  if (s) h.attr("data-host", s->host).attr("data-session", s->id);
  h.raw(">");
}

void accounts_phrase(HtmlOut& h, const AccountCounts& a) {
  if (!a.total) return;
  h.raw(": ").text(count_or_unknown(a.done)).raw(" of ").text(format_count(*a.total));
  h.raw(" accounts done, ").text(count_or_unknown(a.failed)).raw(" failed");
}

void failed_problem(HtmlOut& h, const SessionRow& s) {
  problem_start(h, "bad", "failed", &s);
  badge(h, state_class(*s.state), *s.state);
  h.raw(" ");
  session_name(h, s);
  accounts_phrase(h, s.accounts);
  h.raw("</li>\n");
}

void stalled_problem(HtmlOut& h, const SessionRow& s) {
  problem_start(h, "bad", "stalled", &s);
  const std::string for_how_long = format_duration(*s.stalled_seconds);
  badge(h, "bad", "stalled " + for_how_long);
  h.raw(" ");
  session_name(h, s);
  h.raw(": ").text(s.state.value_or("unknown")).raw(", no log growth and no new event for ");
  h.text(for_how_long).raw("</li>\n");
}

void down_problem(HtmlOut& h, const HostRow& host, double now) {
  h.raw("<li class=\"bad\" data-kind=\"host-down\"").attr("data-host", host.name).raw(">");
  badge(h, "down", "down");
  h.raw(" <strong>").text(host.name).raw("</strong>: ");
  if (!host.last_error_reason.empty()) h.text(host.last_error_reason).raw(": ");
  h.text(shorten(host.last_error_message)).raw("; ").text(format_count(host.sessions));
  h.raw(host.sessions == 1 ? " session" : " sessions").raw(" not read; last success ");
  h.text(format_age(host.last_success, now));
  h.raw("</li>\n");
}

void stuck_problem(HtmlOut& h, const SessionRow& s) {
  problem_start(h, "warn", "stuck", &s);
  badge(h, state_class(*s.state), *s.state);
  h.raw(" ");
  session_name(h, s);
  h.raw("</li>\n");
}

void unreadable_problem(HtmlOut& h, const SessionRow& s) {
  problem_start(h, "warn", "unreadable", &s);
  badge(h, "warn", "read error");
  h.raw(" ");
  session_name(h, s);
  h.raw(": ").text(shorten(s.last_error)).raw("</li>\n");
}

void more_item(HtmlOut& h, std::string_view kind, std::size_t more, std::string_view what) {
  if (more == 0) return;
  h.raw("<li class=\"more\" data-kind=\"").raw(kind).raw("\">+ ");
  h.text(format_count(static_cast<std::int64_t>(more))).raw(" more ").raw(what).raw("</li>\n");
}

// Up to `max` of `list`, each drawn by `draw`, then how many more there are.
template <typename Draw>
void problem_list(HtmlOut& h, const std::vector<std::size_t>& list, std::size_t max,
                  std::string_view kind, std::string_view what, Draw draw) {
  for (std::size_t i = 0; i < list.size() && i < max; ++i) draw(list[i]);
  more_item(h, kind, list.size() - std::min(list.size(), max), what);
}

void problem_items(HtmlOut& h, const CockpitView& v, const PageContext& c) {
  const bool none = v.failed_sessions.empty() && v.stalled_sessions.empty() &&
                    v.down_hosts.empty() && v.stuck_sessions.empty() &&
                    v.unreadable_sessions.empty();
  if (none) {
    h.raw("<p class=\"ok\">No failed, stalled or stuck session; every host is up.</p>\n");
    return;
  }
  const std::size_t max = c.max_problems;
  const auto& ss = v.sessions;
  h.raw("<ul class=\"problems\">\n");
  problem_list(h, v.failed_sessions, max, "failed", "failed or aborted sessions",
               [&](std::size_t i) { failed_problem(h, ss[i]); });
  problem_list(h, v.stalled_sessions, max, "stalled", "stalled sessions",
               [&](std::size_t i) { stalled_problem(h, ss[i]); });
  problem_list(h, v.down_hosts, max, "host-down", "hosts down",
               [&](std::size_t i) { down_problem(h, v.hosts[i], c.now_unix); });
  problem_list(h, v.stuck_sessions, max, "stuck", "paused or stuck sessions",
               [&](std::size_t i) { stuck_problem(h, ss[i]); });
  problem_list(h, v.unreadable_sessions, max, "unreadable", "sessions with a read error",
               [&](std::size_t i) { unreadable_problem(h, ss[i]); });
  h.raw("</ul>\n");
}

void cause_row(HtmlOut& h, const CockpitView& v, const CauseGroup& g, std::size_t max_accounts) {
  h.raw("<tr><td class=\"text c-cause\">").text(shorten(g.cause));
  h.raw("</td><td class=\"num c-count\"");
  h.attr("data-value", std::to_string(g.accounts.size())).raw(">");
  h.text(format_count(static_cast<std::int64_t>(g.accounts.size())));
  h.raw("</td><td><ul class=\"accounts\">");
  for (std::size_t i = 0; i < g.accounts.size() && i < max_accounts; ++i) {
    const SessionRow& s = v.sessions[g.accounts[i].session];
    const FailedAccount& a = s.failed_accounts[g.accounts[i].account];
    h.raw("<li><strong>").text(a.account).raw("</strong> <span class=\"muted\">");
    h.text(s.host).raw(" \xC2\xB7 ").text(s.id).raw("</span></li>");
  }
  more_item(h, "cause", g.accounts.size() - std::min(g.accounts.size(), max_accounts), "accounts");
  h.raw("</ul></td></tr>\n");
}

void causes_table(HtmlOut& h, const CockpitView& v, const PageContext& c) {
  h.raw("<h3>Failed accounts by cause</h3>\n");
  if (v.causes.empty()) {
    h.raw("<p class=\"empty\">No failed account.</p>\n");
    return;
  }
  h.raw(
      "<table class=\"causes\"><thead><tr><th>Cause</th><th class=\"num\">Accounts</th>"
      "<th>Which (host \xC2\xB7 session)</th></tr></thead><tbody>\n");
  for (std::size_t i = 0; i < v.causes.size() && i < c.max_causes; ++i) {
    cause_row(h, v, v.causes[i], c.max_accounts_per_cause);
  }
  h.raw("</tbody></table>\n<ul class=\"problems\">");
  more_item(h, "causes", v.causes.size() - std::min(v.causes.size(), c.max_causes), "causes");
  h.raw("</ul>\n");
}

void dangerous_row(HtmlOut& h, const SessionRow& s, const DangerousAccount& a) {
  h.raw("<tr").attr("data-host", s.host).attr("data-session", s.id);
  h.attr("data-account", a.account).raw("><td><strong>").text(a.account);
  h.raw("</strong></td><td>").text(s.host).raw(" <code>").text(s.id);
  h.raw("</code></td><td class=\"num c-dcount\"");
  h.attr("data-value", std::to_string(a.dangerous_items)).raw(">");
  h.text(format_count(a.dangerous_items)).raw("</td><td><ul class=\"texts\">");
  for (std::size_t i = 0; i < a.texts.size() && i < kMaxTexts; ++i) {
    h.raw("<li class=\"text\">").text(shorten(a.texts[i])).raw("</li>");
  }
  if (a.texts.size() > kMaxTexts) {
    h.raw("<li class=\"more\">+ ")
        .text(format_count(static_cast<std::int64_t>(a.texts.size() - kMaxTexts)));
    h.raw(" more in the session's details</li>");
  }
  h.raw("</ul></td></tr>\n");
}

void dangerous_table(HtmlOut& h, const CockpitView& v, const PageContext& c) {
  h.raw("<h3>Dangerous items</h3>\n");
  if (v.dangerous.empty()) {
    h.raw("<p class=\"empty\">No dangerous item.</p>\n");
  } else {
    h.raw(
        "<table class=\"dangerous\"><thead><tr><th>Account</th><th>Host and session</th>"
        "<th class=\"num\">Dangerous items</th><th>What</th></tr></thead><tbody>\n");
    for (std::size_t i = 0; i < v.dangerous.size() && i < c.max_dangerous; ++i) {
      const SessionRow& s = v.sessions[v.dangerous[i].session];
      dangerous_row(h, s, s.dangerous_accounts[v.dangerous[i].account]);
    }
    h.raw("</tbody></table>\n<ul class=\"problems\">");
    more_item(h, "dangerous", v.dangerous.size() - std::min(v.dangerous.size(), c.max_dangerous),
              "accounts with dangerous items");
    h.raw("</ul>\n");
  }
  if (v.altered_items > 0) {
    h.raw("<p class=\"muted\" id=\"altered\">");
    h.text(format_count(v.altered_items)).raw(" harmless altered items (restored under another ");
    h.raw("name) in ").text(format_count(static_cast<std::int64_t>(v.sessions_with_altered_items)));
    h.raw(" sessions: see each session's details.</p>\n");
  }
}

void problems_section(HtmlOut& h, const CockpitView& v, const PageContext& c) {
  h.raw("<section id=\"problems\"><h2>Problems</h2><div id=\"problems-body\">\n");
  problem_items(h, v, c);
  causes_table(h, v, c);
  dangerous_table(h, v, c);
  h.raw("</div></section>\n");
}

// ---- Sessions ----

constexpr std::string_view kSessionColumns =
    "<th scope=\"col\" data-sort=\"host\" aria-sort=\"ascending\"><button type=\"button\">Host"
    "</button></th><th scope=\"col\" data-sort=\"session\"><button type=\"button\">Session"
    "</button></th><th scope=\"col\" data-sort=\"state\"><button type=\"button\">State</button>"
    "</th><th scope=\"col\" data-sort=\"done\"><button type=\"button\">Accounts done</button>"
    "</th><th scope=\"col\" class=\"c-failed\" data-sort=\"failed\"><button type=\"button\">"
    "Failed</button></th><th scope=\"col\" class=\"c-dang\" data-sort=\"dangerous\"><button "
    "type=\"button\">Dangerous</button></th><th scope=\"col\" class=\"c-rem\" data-sort="
    "\"remaining\"><button type=\"button\">Remaining</button></th><th scope=\"col\" "
    "class=\"c-bytes\" data-sort=\"bytes\"><button type=\"button\">Data</button></th><th "
    "scope=\"col\" class=\"c-rate\" data-sort=\"rate\"><button type=\"button\">Per hour"
    "</button></th><th scope=\"col\" data-sort=\"eta\"><button type=\"button\">Done</button>"
    "</th>";

// The session's state; the state is the cell's data-value ("" when unknown).
void state_cell(HtmlOut& h, const SessionRow& s) {
  h.raw("<td class=\"c-state\"").attr("data-value", s.state.value_or("")).raw(">");
  badge(h, s.state ? state_class(*s.state) : std::string(), s.state.value_or("unknown"));
  if (!s.state && !s.unknown_reason.empty()) {
    h.raw(" <span class=\"muted\">").text(shorten(s.unknown_reason)).raw("</span>");
  }
  if (s.stalled_seconds) {
    h.raw(" ");
    badge(h, "bad", "stalled " + format_duration(*s.stalled_seconds));
  }
  if (s.state == "COMPLETED" && s.accounts.failed.value_or(0) > 0) {
    h.raw(" ");
    badge(h, "bad", "with failed accounts");
  }
  if (s.waiting_for_end) {
    h.raw(" <span class=\"muted\">log available when the session ends</span>");
  }
  if (!s.last_error.empty() && !s.host_down) {  // a host down says why already
    h.raw(" ");
    badge(h, "warn", "read error");
  }
  h.raw("</td>");
}

// <td class="COLUMN [HIGHLIGHT]" data-value="N">N</td>; highlighted only above 0.
void count_cell(HtmlOut& h, std::string_view column, std::optional<std::int64_t> v,
                std::string_view highlight = {}) {
  h.raw("<td class=\"").raw(column);
  if (v.value_or(0) > 0 && !highlight.empty()) h.raw(" ").raw(highlight);
  h.raw("\"").attr("data-value", exact(v)).raw(">").text(count_or_unknown(v)).raw("</td>");
}

void accounts_cell(HtmlOut& h, const AccountCounts& a) {
  h.raw("<td class=\"c-acc\"").attr("data-done", exact(a.done)).attr("data-total", exact(a.total));
  h.raw(">");
  bar(h, a.done, a.total);
  h.raw(" ").text(count_or_unknown(a.done)).raw("/").text(count_or_unknown(a.total)).raw("</td>");
}

void bytes_cell(HtmlOut& h, const SessionRow& s) {
  const QueueRow* q = s.transfer();
  const std::optional<std::int64_t> done = q ? std::optional(q->bytes_finished) : std::nullopt;
  h.raw("<td class=\"c-bytes\"").attr("data-value", exact(done)).raw(">");
  h.text(done ? format_bytes(*done) : std::string("?"));
  if (q && q->bytes_total) {
    h.raw(" <span class=\"muted\">of ").text(format_bytes(*q->bytes_total)).raw("</span>");
  }
  h.raw("</td>");
}

void time_cells(HtmlOut& h, const SessionRow& s, double now) {
  const auto& r = s.accounts_per_hour;
  h.raw("<td class=\"c-rate\"").attr("data-value", exact(r)).raw(">");
  h.text(r ? format_rate(*r) : std::string("?")).raw("</td>");
  const auto& eta = s.estimated_completion;
  h.raw("<td class=\"c-eta\"").attr("data-value", exact(eta));
  if (eta) h.attr("title", format_utc(*eta));
  h.raw(">").text(s.finished ? std::string("finished") : when(eta, now)).raw("</td>");
}

// One row; its details (expanded by the script) are not rendered here.
void session_row(HtmlOut& h, const SessionRow& s, double now) {
  h.raw("<tr class=\"session\"").attr("data-host", s.host).attr("data-session", s.id);
  h.raw("><td class=\"c-host\">").text(s.host).raw("</td><td class=\"c-id\">").text(s.id);
  h.raw("</td>");
  state_cell(h, s);
  accounts_cell(h, s.accounts);
  count_cell(h, "c-failed", s.accounts.failed, "bad");
  count_cell(h, "c-dang", s.accounts.with_dangerous_items, "warn");
  count_cell(h, "c-rem", s.accounts.remaining);
  bytes_cell(h, s);
  time_cells(h, s, now);
  h.raw("</tr>\n");
}

void option(HtmlOut& h, std::string_view value, std::string_view label) {
  h.raw("<option").attr("value", value).raw(">").text(label).raw("</option>");
}

void filters(HtmlOut& h, const CockpitView& v) {
  h.raw("<form class=\"filters\" id=\"filters\" role=\"search\">");
  h.raw("<label>Host <select name=\"host\"><option value=\"\">all hosts</option>");
  for (const HostRow& host : v.hosts) option(h, host.name, host.name);
  h.raw("</select></label><label>State <select name=\"state\"><option value=\"\">all states");
  h.raw("</option><option value=\"problems\">with problems</option>");
  for (const auto& [state, n] : v.summary.sessions_by_state) option(h, state, state);
  h.raw("</select></label><label>Account <input type=\"search\" name=\"account\" ");
  h.raw("placeholder=\"account name\" autocomplete=\"off\" spellcheck=\"false\"></label></form>\n");
}

void sessions_section(HtmlOut& h, const CockpitView& v, const PageContext& c) {
  h.raw("<section id=\"sessions\"><h2>Sessions <span class=\"count\" id=\"sessions-count\">");
  h.text(format_count(static_cast<std::int64_t>(v.sessions.size()))).raw("</span></h2>\n");
  filters(h, v);
  h.raw("<table class=\"sessions\"><thead><tr>").raw(kSessionColumns);
  h.raw("</tr></thead>\n<tbody id=\"sessions-body\">\n");
  if (v.sessions.empty()) {
    h.raw("<tr><td colspan=\"10\" class=\"empty\">No session is watched.</td></tr>\n");
  }
  const std::size_t shown = std::min(v.sessions.size(), c.max_session_rows);
  for (std::size_t i = 0; i < shown; ++i) session_row(h, v.sessions[i], c.now_unix);
  h.raw("</tbody></table>\n<p class=\"muted\" id=\"sessions-more\">");
  if (shown < v.sessions.size()) {
    h.text(format_count(static_cast<std::int64_t>(v.sessions.size() - shown)));
    h.raw(" more sessions: they appear once the page has loaded its data, or see <a");
    h.attr("href", c.sessions_api_path).raw(">").text(c.sessions_api_path).raw("</a>.");
  }
  h.raw("</p>\n</section>\n");
}

// ---- Hosts ----

void host_row(HtmlOut& h, const HostRow& v, double now) {
  h.raw("<tr").attr("data-host", v.name).raw("><td class=\"c-host\"><strong>").text(v.name);
  h.raw("</strong> <span class=\"muted\">").text(v.kind).raw("</span></td><td class=\"c-up\"");
  h.attr("data-value", v.up ? "1" : "0").raw(">");
  if (v.up) {
    badge(h, "up", "up");
  } else {
    badge(h, v.down() ? "down" : "", v.down() ? "down" : "not polled yet");
  }
  if (v.tls_insecure) {
    h.raw(" ");
    badge(h, "insecure", "TLS not verified");
  }
  if (!v.log_access.empty() && v.log_access != "unknown") {  // how its running logs are read
    h.raw("<br><span class=\"muted\"").attr("data-value", v.log_access).raw(">");
    h.text(shorten(v.log_access_description)).raw("</span>");
  }
  h.raw("</td><td class=\"c-polled\">").text(format_age(v.last_poll, now));
  h.raw("</td><td class=\"c-success\">").text(format_age(v.last_success, now));
  h.raw("</td><td class=\"c-sessions\">").text(format_count(v.sessions)).raw("</td><td>");
  if (!v.last_error_reason.empty()) h.raw("<strong>").text(v.last_error_reason).raw("</strong>: ");
  h.text(shorten(v.last_error_message)).raw("</td></tr>\n");
}

void hosts_section(HtmlOut& h, const CockpitView& v, const PageContext& c) {
  h.raw(
      "<section id=\"hosts\"><h2>Hosts</h2>\n<table class=\"hosts\"><thead><tr><th>Host</th>"
      "<th>Status</th><th>Last poll</th><th>Last success</th><th class=\"c-sessions\">Sessions</th>"
      "<th>Last error</th></tr></thead>\n<tbody id=\"hosts-body\">\n");
  if (v.hosts.empty()) {
    h.raw("<tr><td colspan=\"6\" class=\"empty\">No hosts configured.</td></tr>\n");
  }
  for (std::size_t i = 0; i < v.hosts.size() && i < c.max_host_rows; ++i) {
    host_row(h, v.hosts[i], c.now_unix);
  }
  h.raw("</tbody></table>\n<ul class=\"problems\" id=\"hosts-more\">");
  more_item(h, "hosts", v.hosts.size() - std::min(v.hosts.size(), c.max_host_rows), "hosts");
  h.raw("</ul>\n</section>\n");
}

void unreadable_document(HtmlOut& h, const Error& error) {
  h.raw("<section id=\"problems\"><h2>Problems</h2><div id=\"problems-body\"><ul ");
  h.raw("class=\"problems\"><li class=\"bad\">The exporter could not read its own state: ");
  h.text(error.message).raw("</li></ul></div></section>\n");
}

}  // namespace

std::string render_landing_page(std::string_view sessions_document, const PageContext& context) {
  const Result<CockpitView> view = read_cockpit_view(sessions_document);
  HtmlOut h;
  head(h, context);
  body_start(h, context);
  h.raw("<main>\n");
  if (view) {
    summary_section(h, view.value(), context.now_unix);
    problems_section(h, view.value(), context);
    sessions_section(h, view.value(), context);
    hosts_section(h, view.value(), context);
  } else {
    unreadable_document(h, view.error());
  }
  h.raw("</main>\n<script>").raw(assets::kJs).raw("</script>\n</body>\n</html>\n");
  return std::move(h).take();
}

std::string render_landing_page(const sources::StatusSource& source, const PageContext& context) {
  return render_landing_page(
      sessions_json(source, {.now_unix = context.now_unix,
                             .stall_threshold_seconds = context.stall_threshold_seconds,
                             .items = false}),
      context);
}

}  // namespace wte::status
