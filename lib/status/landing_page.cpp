#include "status/landing_page.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "status/html_out.hpp"
#include "status/page_format.hpp"

namespace wte::status {
namespace {

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#1d2125;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.version{color:#5b6470;font-weight:normal;font-size:1rem}
nav a{margin-right:1rem}.muted,.generated{color:#5b6470;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d5d9de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.8rem;font-weight:600}
.up{background:#d3f4dc;color:#14532d}.down{background:#fde0e0;color:#7f1d1d}
.insecure{background:#fff1cc;color:#6b4a00}
td.bad{background:#fde0e0;color:#7f1d1d;font-weight:600}
td.warn{background:#fff1cc;color:#6b4a00;font-weight:600}
progress{width:9rem;vertical-align:middle}
.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:60rem}
ul.texts{margin:0;padding-left:1.2rem}.empty{color:#5b6470;font-style:italic}
)";

// The attributes that locate a number for a browser test: data-host, data-session,
// data-queue (when given), data-field and data-value.
struct Where {
  std::string_view host;
  std::string_view session;
  std::optional<std::string_view> queue;
};

void locate(HtmlOut& h, const Where& w, std::string_view field) {
  h.attr("data-host", w.host).attr("data-session", w.session);
  if (w.queue) h.attr("data-queue", *w.queue);
  h.attr("data-field", field);
}

// <td class="num [highlight]" data-…>N</td>; `highlight` applies only when n > 0.
void count_cell(HtmlOut& h, const Where& w, std::string_view field, std::int64_t n,
                std::string_view highlight = {}) {
  h.raw("<td class=\"num");
  if (!highlight.empty() && n > 0) h.raw(" ").raw(highlight);
  h.raw("\"");
  locate(h, w, field);
  h.attr("data-value", std::to_string(n)).raw(">").number(n).raw("</td>");
}

void head(HtmlOut& h, const PageContext& c) {
  h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
  if (c.refresh_seconds > 0) {
    h.raw("<meta http-equiv=\"refresh\"").attr("content", std::to_string(c.refresh_seconds));
    h.raw(">\n");
  }
  h.raw("<title>whm_transfer_exporter</title>\n");
  // An empty icon: otherwise the browser asks for /favicon.ico and logs the 404.
  h.raw("<link rel=\"icon\" href=\"data:,\">\n<style>").raw(kStyle).raw("</style>\n</head>\n");
}

void banner(HtmlOut& h, const PageContext& c) {
  h.raw("<header>\n<h1>whm_transfer_exporter <span class=\"version\">").text(c.version);
  h.raw("</span></h1>\n<nav><a").attr("href", c.metrics_path).raw(">Metrics</a><a");
  h.attr("href", c.sessions_api_path).raw(">Sessions (JSON)</a></nav>\n");
  h.raw("<p class=\"generated\">Generated <time").attr("datetime", format_iso8601(c.now_unix));
  h.raw(">").text(format_utc(c.now_unix)).raw("</time>");
  if (c.refresh_seconds > 0) {
    h.raw("; refreshed every ").number(c.refresh_seconds).raw(" s");
  }
  h.raw(".</p>\n</header>\n");
}

void host_row(HtmlOut& h, const sources::HostView& v, double now) {
  h.raw("<tr").attr("data-host", v.name).raw("><td>").text(v.name).raw("</td><td>").text(v.kind);
  h.raw("</td><td data-field=\"up\"").attr("data-value", v.up ? "1" : "0").raw(">");
  if (!v.polled) {
    h.raw("<span class=\"badge\">not polled yet</span>");
  } else {
    h.raw(v.up ? "<span class=\"badge up\">up</span>" : "<span class=\"badge down\">down</span>");
  }
  if (v.tls_insecure) h.raw(" <span class=\"badge insecure\">TLS not verified</span>");
  if (!v.log_access.empty() && v.log_access != "unknown") {
    h.raw("<br><span class=\"muted\" data-field=\"log_access\"")
        .attr("data-value", v.log_access)
        .raw(">")
        .text(v.log_access_description)
        .raw("</span>");
  }
  h.raw("</td><td>").text(format_age(v.last_poll_unix, now));
  if (v.last_poll_unix)
    h.raw(" <span class=\"muted\">(")
        .text(format_seconds(v.last_poll_duration_seconds))
        .raw(")</span>");
  h.raw("</td><td>").text(format_age(v.last_success_unix, now));
  h.raw("</td><td class=\"num\" data-field=\"sessions\"");
  h.attr("data-value", std::to_string(v.sessions)).raw(">");
  h.number(static_cast<std::int64_t>(v.sessions)).raw("</td><td>");
  if (!v.last_error_reason.empty()) {
    h.raw("<strong>").text(v.last_error_reason).raw("</strong>: ");
  }
  h.text(v.last_error_message).raw("</td></tr>\n");
}

void hosts_section(HtmlOut& h, const sources::StatusSource& source, double now) {
  h.raw(
      "<section id=\"hosts\">\n<h2>Hosts</h2>\n<table>\n<thead><tr><th>Host</th><th>Kind</th>"
      "<th>Status</th><th>Last poll</th><th>Last success</th><th>Sessions</th>"
      "<th>Last error</th></tr></thead>\n<tbody>\n");
  bool any = false;
  source.for_each_host([&](const sources::HostView& v) {
    any = true;
    host_row(h, v, now);
  });
  if (!any) h.raw("<tr><td colspan=\"7\" class=\"empty\">No hosts configured.</td></tr>\n");
  h.raw("</tbody>\n</table>\n</section>\n");
}

// The host, session and state cells, spanning the session's queue rows.
void session_cells(HtmlOut& h, const sources::SessionView& s, std::size_t rows, double now) {
  const std::string span = std::to_string(rows);
  const Where w{s.host, s.session_id, std::nullopt};
  h.raw("<td").attr("rowspan", span).raw(">").text(s.host).raw("</td>");
  h.raw("<td").attr("rowspan", span).raw("><code>").text(s.session_id).raw("</code></td>");
  h.raw("<td").attr("rowspan", span).raw("><strong");
  locate(h, w, "state");
  const std::string_view state = s.state().value_or("unknown");
  h.attr("data-value", state).raw(">").text(state).raw("</strong>");
  if (!s.state()) h.raw(" <span class=\"muted\">(").text(s.unknown_reason).raw(")</span>");
  if (s.waiting_for_end) {
    h.raw(" <span class=\"muted\">log available when the session ends</span>");
  }
  const log::SessionInfo& info = s.model.info();
  if (s.api_state && *s.api_state != info.state) {
    h.raw(" <span class=\"muted\">(log: ").text(info.state).raw(")</span>");
  }
  if (s.finished) h.raw(" <span class=\"muted\">finished</span>");
  if (info.last_event_at) {
    h.raw("<br><span class=\"muted\">last event ")
        .text(format_utc(static_cast<double>(*info.last_event_at)))
        .raw("</span>");
  }
  if (s.last_change_unix) {
    h.raw("<br><span class=\"muted\">log grew ").text(format_age(s.last_change_unix, now));
    h.raw("</span>");
  }
  if (!s.last_error.empty())
    h.raw("<br><span class=\"badge down\">").text(s.last_error).raw("</span>");
  h.raw("</td>");
}

void progress_cell(HtmlOut& h, const Where& w, const log::QueueCounts& q) {
  h.raw("<td><progress");
  if (q.items_total && *q.items_total > 0) {
    h.attr("max", std::to_string(*q.items_total));
    h.attr("value", std::to_string(std::min(q.items_finished, *q.items_total)));
  }
  h.raw("></progress> <span");
  locate(h, w, "items_finished");
  h.attr("data-value", std::to_string(q.items_finished)).raw(">").number(q.items_finished);
  h.raw("</span>/<span");
  locate(h, w, "items_total");
  h.attr("data-value", q.items_total ? std::to_string(*q.items_total) : "").raw(">");
  if (q.items_total)
    h.number(*q.items_total);
  else
    h.raw("?");
  h.raw("</span> items</td>");
}

void bytes_cell(HtmlOut& h, const Where& w, const log::QueueCounts& q) {
  h.raw("<td class=\"num\"><span");
  locate(h, w, "bytes_finished");
  h.attr("data-value", std::to_string(q.bytes_finished))
      .raw(">")
      .text(format_bytes(q.bytes_finished));
  h.raw("</span> / <span");
  locate(h, w, "bytes_total");
  h.attr("data-value", q.bytes_total ? std::to_string(*q.bytes_total) : "").raw(">");
  h.text(q.bytes_total ? format_bytes(*q.bytes_total) : std::string("?")).raw("</span></td>");
}

void queue_cells(HtmlOut& h, const sources::SessionView& s, const log::Queue& queue) {
  const Where w{s.host, s.session_id, queue.name};
  const log::QueueCounts& q = queue.counts;
  h.raw("<td>").text(queue.name).raw("</td>");
  progress_cell(h, w, q);
  count_cell(h, w, "items_succeeded", q.items_succeeded);
  count_cell(h, w, "items_failed", q.items_failed, "bad");
  count_cell(h, w, "dangerous_items", q.dangerous_items, "warn");
  bytes_cell(h, w, q);
}

void session_rows(HtmlOut& h, const sources::SessionView& s, double now) {
  const auto& queues = s.model.queues();
  h.raw("<tr").attr("data-host", s.host).attr("data-session", s.session_id).raw(">");
  session_cells(h, s, std::max<std::size_t>(1, queues.size()), now);
  if (queues.empty()) {
    h.raw("<td colspan=\"6\" class=\"empty\">No queue in the log yet.</td></tr>\n");
    return;
  }
  for (std::size_t i = 0; i < queues.size(); ++i) {
    if (i > 0) h.raw("<tr").attr("data-host", s.host).attr("data-session", s.session_id).raw(">");
    queue_cells(h, s, queues[i]);
    h.raw("</tr>\n");
  }
}

bool is_dangerous_or_altered(const log::ItemRecord& item) {
  return item.dangerous_items > 0 || item.altered_items > 0 || !item.dangerous_texts.empty() ||
         !item.altered_texts.empty();
}

void item_cells(HtmlOut& h, const sources::SessionView& s, const log::ItemRecord& item) {
  h.raw("<tr").attr("data-host", s.host).attr("data-session", s.session_id);
  h.attr("data-queue", item.queue).attr("data-item", item.name).raw("><td>").text(s.host);
  h.raw("</td><td><code>").text(s.session_id).raw("</code></td><td>").text(item.queue);
  h.raw("</td><td>").text(item.name).raw("</td><td>").text(item.item_type).raw("</td>");
}

void failed_row(HtmlOut& h, const sources::SessionView& s, const log::ItemRecord& item) {
  item_cells(h, s, item);
  h.raw("<td class=\"text\">").text(item.failure.value_or("")).raw("</td></tr>\n");
}

void text_list(HtmlOut& h, std::string_view title, const std::vector<std::string>& texts) {
  if (texts.empty()) return;
  h.raw("<strong>").raw(title).raw("</strong><ul class=\"texts\">");
  for (const auto& t : texts) h.raw("<li class=\"text\">").text(t).raw("</li>");
  h.raw("</ul>");
}

void dangerous_row(HtmlOut& h, const sources::SessionView& s, const log::ItemRecord& item) {
  item_cells(h, s, item);
  const Where w{s.host, s.session_id, item.queue};
  count_cell(h, w, "item_dangerous_items", item.dangerous_items, "warn");
  count_cell(h, w, "item_altered_items", item.altered_items);
  h.raw("<td>");
  text_list(h, "Dangerous", item.dangerous_texts);
  text_list(h, "Altered", item.altered_texts);
  h.raw("</td></tr>\n");
}

// A row saying how many items of a session the page left out.
void more_row(HtmlOut& h, const PageContext& c, std::size_t more, int columns) {
  if (more == 0) return;
  h.raw("<tr><td class=\"empty\"").attr("colspan", std::to_string(columns)).raw(">");
  h.number(static_cast<std::int64_t>(more)).raw(" more items of this session: see <a");
  h.attr("href", c.sessions_api_path).raw(">").text(c.sessions_api_path).raw("</a>.</td></tr>\n");
}

// Appends the session's items matching `wanted` to `out`, at most max_items_per_session.
template <typename Pred, typename Row>
void item_rows(HtmlOut& out, const PageContext& c, const sources::SessionView& s, Pred wanted,
               Row row, int columns) {
  std::size_t shown = 0;
  std::size_t more = 0;
  for (const log::ItemRecord& item : s.model.items()) {
    if (!wanted(item)) continue;
    if (shown < c.max_items_per_session) {
      row(out, s, item);
      ++shown;
    } else {
      ++more;
    }
  }
  more_row(out, c, more, columns);
}

void table_section(HtmlOut& h, std::string_view id, std::string_view title, std::string_view header,
                   const HtmlOut& rows, std::string_view none) {
  h.raw("<section id=\"").raw(id).raw("\">\n<h2>").raw(title).raw("</h2>\n");
  if (rows.str().empty()) {
    h.raw("<p class=\"empty\">").raw(none).raw("</p>\n</section>\n");
    return;
  }
  h.raw("<table>\n<thead><tr>").raw(header).raw("</tr></thead>\n<tbody>\n").raw(rows.str());
  h.raw("</tbody>\n</table>\n</section>\n");
}

constexpr std::string_view kItemHeader =
    "<th>Host</th><th>Session</th><th>Queue</th><th>Item</th><th>Type</th>";

void sessions_sections(HtmlOut& h, const sources::StatusSource& source, const PageContext& c) {
  // One walk fills the three tables, so they describe the same moment.
  HtmlOut sessions;
  HtmlOut failed;
  HtmlOut dangerous;
  source.for_each_session([&](const sources::SessionView& s) {
    session_rows(sessions, s, c.now_unix);
    item_rows(
        failed, c, s, [](const log::ItemRecord& i) { return i.status == log::ItemStatus::failed; },
        failed_row, 6);
    item_rows(dangerous, c, s, is_dangerous_or_altered, dangerous_row, 8);
  });
  table_section(h, "sessions", "Sessions",
                "<th>Host</th><th>Session</th><th>State</th><th>Queue</th><th>Progress</th>"
                "<th>Succeeded</th><th>Failed</th><th>Dangerous items</th><th>Bytes</th>",
                sessions, "No session is watched.");
  table_section(h, "failed-items", "Failed items", std::string(kItemHeader) + "<th>Failure</th>",
                failed, "No failed item.");
  table_section(h, "dangerous-items", "Dangerous and altered items",
                std::string(kItemHeader) + "<th>Dangerous</th><th>Altered</th><th>Details</th>",
                dangerous, "No dangerous or altered item.");
}

}  // namespace

std::string render_landing_page(const sources::StatusSource& source, const PageContext& context) {
  HtmlOut h;
  head(h, context);
  h.raw("<body>\n");
  banner(h, context);
  h.raw("<main>\n");
  hosts_section(h, source, context.now_unix);
  sessions_sections(h, source, context);
  h.raw("</main>\n</body>\n</html>\n");
  return std::move(h).take();
}

}  // namespace wte::status
