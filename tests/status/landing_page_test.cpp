// The server-rendered landing page: its numbers are the document's, the problems come first
// and worst first, everything from outside is escaped, only its own script and style run, and
// the first screen stays small for a big migration.
#include "status/landing_page.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <array>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "log/log_builder.hpp"
#include "status/big_cockpit_document.hpp"
#include "status/cockpit_fixture.hpp"
#include "status/landing_page_assets.hpp"
#include "status/sessions_json.hpp"
#include "support/fake_status_source.hpp"
#include "support/test_files.hpp"
#include "text/utf8.hpp"

using wte::status::PageContext;
using wte::status::render_landing_page;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

bool has(const std::string& page, const std::string& needle) {
  return page.find(needle) != std::string::npos;
}

// Where `needle` first is; fails the test when it is not there.
std::size_t at(const std::string& page, const std::string& needle) {
  const auto p = page.find(needle);
  CAPTURE(needle);
  REQUIRE(p != std::string::npos);
  return p;
}

PageContext context() {
  PageContext c;
  c.version = "1.2.3";
  c.now_unix = wte::test::kFixtureNow;
  return c;
}

std::string fixture_page(const PageContext& c = context()) {
  return render_landing_page(wte::test::kCockpitFixture, c);
}

// The data-value of the element with data-summary="FIELD".
std::optional<std::string> summary_value(const std::string& page, const std::string& field) {
  const std::string needle = "data-summary=\"" + field + "\" data-value=\"";
  const auto p = page.find(needle);
  if (p == std::string::npos || count(page, needle) != 1) return std::nullopt;
  const auto start = p + needle.size();
  return page.substr(start, page.find('"', start) - start);
}

// The text of the session row (tr.session) of host/session.
std::string session_row(const std::string& page, const std::string& host, const std::string& id) {
  const std::string start =
      "<tr class=\"session\" data-host=\"" + host + "\" data-session=\"" + id + "\">";
  const auto p = at(page, start);
  return page.substr(p, page.find("</tr>", p) - p);
}

// The attribute `name` (data-value unless said) of the cell of class `column` in `row`.
std::optional<std::string> cell(const std::string& row, const std::string& column,
                                const std::string& name = "data-value") {
  const auto p = row.find("<td class=\"" + column);
  if (p == std::string::npos) return std::nullopt;
  const std::string tag = row.substr(p, row.find('>', p) - p);
  const auto v = tag.find(" " + name + "=\"");
  if (v == std::string::npos) return std::nullopt;
  const auto start = v + name.size() + 3;
  return tag.substr(start, tag.find('"', start) - start);
}

// The page without its script: the markup drawn from the document.
std::string markup_of(const std::string& page) {
  const auto script = page.find("<script>");
  const auto end = page.find("</script>");
  return page.substr(0, script) + page.substr(end + 9);
}

// Tags opened and closed as often: the page is not cut or unbalanced.
void check_balanced(const std::string& page_with_script) {
  const std::string page = markup_of(page_with_script);
  for (const std::string tag :
       {"html",   "head",   "body", "main",  "section", "table",    "thead",    "tbody",
        "tr",     "td",     "th",   "ul",    "li",      "progress", "span",     "div",
        "select", "option", "form", "label", "script",  "style",    "noscript", "strong",
        "code",   "p",      "h2",   "h3",    "nav",     "header",   "button"}) {
    CAPTURE(tag);
    CHECK(count(page, "<" + tag + ">") + count(page, "<" + tag + " ") ==
          count(page, "</" + tag + ">"));
  }
}

std::string sha256_base64(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  REQUIRE(EVP_Digest(text.data(), text.size(), digest.data(), &n, EVP_sha256(), nullptr) == 1);
  std::array<unsigned char, 64> b64{};
  const int len = EVP_EncodeBlock(b64.data(), digest.data(), static_cast<int>(n));
  return std::string(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(len));
}

}  // namespace

TEST_CASE("the summary band shows the document's summary") {
  const std::string page = fixture_page();
  CHECK(summary_value(page, "sessions") == "9");
  CHECK(summary_value(page, "sessions_by_state.RUNNING") == "4");
  CHECK(summary_value(page, "sessions_by_state.FAILED") == "1");
  CHECK(summary_value(page, "sessions_by_state.unknown") == "1");
  CHECK(summary_value(page, "accounts.total") == "76");
  CHECK(summary_value(page, "accounts.done") == "37");
  CHECK(summary_value(page, "accounts.failed") == "6");
  CHECK(summary_value(page, "accounts.with_dangerous_items") == "1");
  CHECK(summary_value(page, "accounts.remaining") == "39");
  CHECK(summary_value(page, "bytes_total") == "4294973296");
  CHECK(summary_value(page, "bytes_done") == "2147489348");
  CHECK(summary_value(page, "accounts_per_hour") == "11.75");
  CHECK(summary_value(page, "estimated_completion") == "1700011948");
  CHECK(summary_value(page, "hosts_down") == "1");
  CHECK(summary_value(page, "hosts") == "7");
  // What a person reads.
  CHECK(has(page,
            "data-value=\"37\">37</span> <span class=\"of\">of <span "
            "data-summary=\"accounts.total\" data-value=\"76\">76</span> done</span>"));
  CHECK(has(page,
            "<li class=\"bad\"><span data-summary=\"accounts.failed\" data-value=\"6\">6"
            "</span> failed</li>"));
  CHECK(has(page, "data-value=\"4294973296\">4.0 GiB</span>"));
  CHECK(has(page, "data-value=\"11.75\">12</span> <span class=\"of\">accounts/h</span>"));
  CHECK(has(page, "data-value=\"1700011948\">in 3 h 19 min</span>"));
  CHECK(has(page,
            "<li>2023-11-15 01:32:28 UTC</li><li><span "
            "data-summary=\"sessions_without_estimate\" data-value=\"3\">3</span> sessions "
            "without an estimate</li>"));
  // States needing a look first.
  CHECK(at(page, "sessions_by_state.FAILED") < at(page, "sessions_by_state.RUNNING"));
  CHECK(at(page, "sessions_by_state.RUNNING") < at(page, "sessions_by_state.COMPLETED"));
  check_balanced(page);
}

TEST_CASE("the problems come first, worst first") {
  const std::string page = fixture_page();
  const std::size_t summary = at(page, "id=\"summary\"");
  const std::size_t problems = at(page, "id=\"problems\"");
  const std::size_t sessions = at(page, "id=\"sessions\"");
  const std::size_t hosts = at(page, "id=\"hosts\"");
  CHECK(summary < problems);
  CHECK(problems < sessions);
  CHECK(sessions < hosts);
  const std::size_t failed =
      at(page, "data-kind=\"failed\" data-host=\"sim1\" data-session=\"failed1\"");
  const std::size_t aborted =
      at(page, "data-kind=\"failed\" data-host=\"sim11\" data-session=\"aborted11\"");
  const std::size_t stalled = at(page, "data-kind=\"stalled\" data-host=\"sim0\"");
  const std::size_t down = at(page, "data-kind=\"host-down\" data-host=\"sim10\"");
  const std::size_t stuck =
      at(page, "data-kind=\"stuck\" data-host=\"sim0\" data-session=\"paused0\"");
  const std::size_t unreadable = at(page, "data-kind=\"unreadable\" data-host=\"sim3\"");
  const std::size_t causes = at(page, "<h3>Failed accounts by cause</h3>");
  const std::size_t dangerous = at(page, "<h3>Dangerous items</h3>");
  CHECK(problems < failed);
  CHECK(failed < aborted);
  CHECK(aborted < stalled);
  CHECK(stalled < down);
  CHECK(down < stuck);
  CHECK(stuck < unreadable);
  CHECK(unreadable < causes);
  CHECK(causes < dangerous);
  CHECK(dangerous < sessions);
  CHECK(has(page,
            "<span class=\"badge st-FAILED\">FAILED</span> <strong>sim1</strong> "
            "<code>failed1</code>: 4 of 10 accounts done, 3 failed</li>"));
  CHECK(has(page,
            "<span class=\"badge bad\">stalled 17 min</span> <strong>sim0</strong> "
            "<code>stalled0</code>: RUNNING, no log growth and no new event for 17 min"));
  CHECK(has(page,
            "<strong>sim10</strong>: connect: connection refused; 1 session not read; "
            "last success never</li>"));
  CHECK(has(page, "<code>unreadable3</code>: timeout: no answer within 10 s</li>"));
  CHECK(count(page, "data-kind=\"unreadable\"") == 1);  // not down10: its host is down
}

TEST_CASE("failed accounts grouped by cause; dangerous items apart from altered ones") {
  const std::string page = fixture_page();
  const std::size_t rsync = at(page,
                               "<td class=\"text c-cause\">rsync: connection reset by "
                               "&lt;ip&gt;</td><td class=\"num c-count\" data-value=\"4\">");
  const std::size_t quota = at(page,
                               "<td class=\"text c-cause\">Disk quota exceeded (&lt;n&gt; "
                               "MB)</td><td class=\"num c-count\" data-value=\"2\">");
  CHECK(rsync < quota);
  CHECK(has(page,
            "<li><strong>ivan</strong> <span class=\"muted\">sim1 \xC2\xB7 done1</span>"
            "</li><li><strong>erin</strong>"));
  CHECK(has(page, "<tr data-host=\"sim2\" data-session=\"run2\" data-account=\"dave\">"));
  CHECK(has(page, "<li class=\"text\">These databases don&#39;t exist in the archive.</li>"));
  CHECK(has(page,
            "<p class=\"muted\" id=\"altered\">7 harmless altered items (restored under "
            "another name) in 2 sessions"));
  CHECK(at(page, "id=\"altered\"") > at(page, "data-account=\"dave\""));
}

TEST_CASE("one row per session with the document's numbers") {
  const std::string page = fixture_page();
  const std::string run = session_row(page, "sim2", "run2");
  CHECK(cell(run, "c-state") == "RUNNING");
  CHECK(cell(run, "c-acc", "data-done") == "22");
  CHECK(cell(run, "c-acc", "data-total") == "40");
  CHECK(cell(run, "c-failed") == "2");
  CHECK(cell(run, "c-dang") == "1");
  CHECK(cell(run, "c-rem") == "18");
  CHECK(cell(run, "c-bytes") == "2147483648");
  CHECK(cell(run, "c-rate") == "8.25");
  CHECK(cell(run, "c-eta") == "1700007854.5");
  CHECK(has(run, "<progress max=\"40\" value=\"22\"></progress> 22/40</td>"));
  CHECK(has(run, ">2.0 GiB <span class=\"muted\">of 4.0 GiB</span></td>"));
  CHECK(has(run, "<td class=\"c-rate\" data-value=\"8.25\">8.3</td>"));
  CHECK(has(run, " title=\"2023-11-15 00:24:14 UTC\">in 2 h 11 min</td>"));
  CHECK(has(run, "<td class=\"c-host\">sim2</td><td class=\"c-id\">run2</td>"));
  // A COMPLETED session with failed accounts does not look like a clean one.
  const std::string done = session_row(page, "sim1", "done1");
  CHECK(has(done,
            "<td class=\"c-state\" data-value=\"COMPLETED\"><span class=\"badge "
            "st-COMPLETED\">COMPLETED</span> <span class=\"badge bad\">with failed "
            "accounts</span></td>"));
  CHECK(has(done, "<td class=\"c-failed bad\" data-value=\"1\">1</td>"));
  CHECK(has(done, "<td class=\"c-dang\" data-value=\"0\">0</td>"));
  CHECK(has(done, ">finished</td>"));
  CHECK(has(session_row(page, "sim0", "stalled0"), "<span class=\"badge bad\">stalled 17 min"));
}

TEST_CASE("unknown states and sessions waiting for their end say so") {
  const std::string page = fixture_page();
  const std::string down = session_row(page, "sim10", "down10");
  CHECK(has(down,
            "<td class=\"c-state\" data-value=\"\"><span class=\"badge\">unknown</span> "
            "<span class=\"muted\">connect: connection refused</span></td>"));
  CHECK_FALSE(has(down, "read error"));  // its host is down: that says why
  CHECK(cell(down, "c-acc", "data-total") == "");
  CHECK(has(down, "<progress max=\"1\" value=\"0\"></progress> 0/?</td>"));
  const std::string waiting = session_row(page, "sim3", "waiting3");
  CHECK(has(waiting, "<span class=\"muted\">log available when the session ends</span>"));
  CHECK(has(waiting, "<td class=\"c-failed\" data-value=\"\">?</td>"));
  CHECK(has(session_row(page, "sim3", "unreadable3"), "<span class=\"badge warn\">read error"));
}

TEST_CASE("hosts: down first, then in natural order (sim2 before sim10)") {
  const std::string page = fixture_page();
  const std::size_t table = at(page, "<tbody id=\"hosts-body\">");
  std::vector<std::size_t> rows;
  for (const std::string host : {"sim10", "sim0", "sim1", "sim2", "sim3", "sim4", "sim11"}) {
    rows.push_back(at(page.substr(table), "<tr data-host=\"" + host + "\">"));
  }
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1] < rows[i]);
  CHECK(has(page, "<span class=\"badge\">not polled yet</span>"));
  CHECK(has(page,
            "<span class=\"badge insecure\">TLS not verified</span><br><span "
            "class=\"muted\" data-value=\"dotted\">reads .master.log while a session "
            "runs</span>"));
  // Sessions in the same order, with the filters' hosts.
  const std::string row = "<tr class=\"session\" data-host=";
  CHECK(at(page, row + "\"sim10\" data-session=\"down10\">") <
        at(page, row + "\"sim0\" data-session=\"paused0\">"));
  CHECK(at(page, row + "\"sim0\" data-session=\"stalled0\">") <
        at(page, row + "\"sim1\" data-session=\"done1\">"));
  CHECK(at(page, row + "\"sim2\" data-session=\"run2\">") <
        at(page, row + "\"sim11\" data-session=\"aborted11\">"));
  CHECK(has(page,
            "<option value=\"\">all hosts</option><option value=\"sim10\">sim10</option>"
            "<option value=\"sim0\">sim0</option>"));
  CHECK(has(page, "<option value=\"problems\">with problems</option><option value=\"FAILED\">"));
  CHECK(has(page, "<input type=\"search\" name=\"account\""));
  CHECK(has(page, "<th scope=\"col\" data-sort=\"host\" aria-sort=\"ascending\">"));
}

TEST_CASE("self-contained: its own script and style only, no reload, no external resource") {
  const std::string page = fixture_page();
  CHECK(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  CHECK(page.ends_with("</html>\n"));
  CHECK(has(page, "<script>" + std::string(wte::status::assets::kJs) + "</script>"));
  CHECK(has(page, "<style>" + std::string(wte::status::assets::kCss) + "</style>"));
  CHECK(count(page, "<script") == 1);
  CHECK(count(page, "<style") == 1);
  // The CSP names the hashes of exactly that script and style.
  const std::string js_hash = sha256_base64(wte::status::assets::kJs);
  const std::string css_hash = sha256_base64(wte::status::assets::kCss);
  CHECK(wte::status::assets::kJsSha256 == js_hash);
  CHECK(wte::status::assets::kCssSha256 == css_hash);
  CHECK(has(page,
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src 'sha256-" +
                js_hash + "'; style-src 'sha256-" + css_hash +
                "'; connect-src 'self'; img-src data:; base-uri 'none'; form-action "
                "'none'\">"));
  // Updated by the script, never reloaded (only without a script, every 30 s).
  CHECK(count(page, "http-equiv=\"refresh\"") == 1);
  CHECK(has(page, "<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>"));
  CHECK(
      has(page, "<body data-api=\"/api/v1/sessions\" data-refresh=\"5\" data-now=\"1700000000\""));
  CHECK_FALSE(has(page, " src="));
  CHECK_FALSE(has(page, "http://"));
  CHECK_FALSE(has(page, "https://"));
  CHECK_FALSE(has(page, " style="));  // the CSP would refuse it
  CHECK_FALSE(std::regex_search(markup_of(page), std::regex(" on[a-z]+=")));  // nor handlers
  CHECK(has(page, "<link rel=\"icon\" href=\"data:,\">"));
  CHECK(has(page, "<a href=\"/metrics\">Metrics</a><a href=\"/api/v1/sessions\">"));
  CHECK(has(page, "whm_transfer_exporter <span class=\"version\">1.2.3</span>"));
  CHECK(has(page, "<time datetime=\"2023-11-14T22:13:20Z\">"));

  PageContext c = context();
  c.refresh_seconds = 0;
  c.metrics_path = "/prefix/metrics";
  c.sessions_api_path = "/prefix/api/v1/sessions";
  const std::string still = fixture_page(c);
  CHECK_FALSE(has(still, "http-equiv=\"refresh\""));
  CHECK(has(still, "<a href=\"/prefix/metrics\">"));
  CHECK(has(still, "data-api=\"/prefix/api/v1/sessions\" data-refresh=\"0\""));
}

TEST_CASE("hostile strings from logs and servers are escaped") {
  const std::string evil = R"j(<script>alert(1)</script><img src=x onerror=alert(2)>)j";
  const std::string evil_json = R"j(<script>alert(1)<\/script><img src=x onerror=alert(2)>)j";
  std::string doc = R"j({"sessions":[{"host":")j" + evil_json +
                    R"j(","session_id":"\"><b>id",)j"
                    R"j("state":"X\" onmouseover=\"alert(3)","state_unknown_reason":"r",)j"
                    R"j("last_error":")j" +
                    evil_json +
                    R"j(","waiting_for_end":true,)j"
                    R"j("accounts":{"total":2,"done":1,"failed":1},)j"
                    R"j("failed_accounts":[{"account":")j" +
                    evil_json +
                    R"j(","queue":"TRANSFER",)j"
                    R"j("failure":"f","cause":")j" +
                    evil_json +
                    R"j(\n\u0001\u001b[31m"}],)j"
                    R"j("dangerous_accounts":[{"account":"</td></tr><tr>","dangerous_items":1,)j"
                    R"j("texts":["</li></ul><b>d</b> & \"q\""]}],"stalled_seconds":5}],)j"
                    R"j("hosts":[{"name":")j" +
                    evil_json +
                    R"j(","kind":"<i>k</i>","up":false,)j"
                    R"j("last_poll":1,"last_error_reason":"<u>r</u>","last_error_message":")j" +
                    evil_json + R"j(\u007f"}],"summary":{"sessions_by_state":{")j" + evil_json +
                    R"j(":1,"FAILED ok":2}}})j";
  const std::string page = render_landing_page(doc, context());
  const std::string markup = markup_of(page);  // the script is ours
  CHECK_FALSE(has(markup, "<script"));
  CHECK_FALSE(has(markup, "<img"));
  CHECK_FALSE(has(markup, "<b>"));
  CHECK_FALSE(has(markup, "<i>"));
  CHECK_FALSE(has(markup, "<u>"));
  CHECK_FALSE(has(markup, "</td></tr><tr>"));
  CHECK_FALSE(has(markup, "onmouseover=\""));
  CHECK_FALSE(has(markup, "\x01"));
  CHECK_FALSE(has(markup, "\x1b"));
  CHECK_FALSE(has(markup, "\x7f"));
  CHECK(wte::text::is_valid_utf8(page));
  const std::string shown =
      "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;";
  CHECK(count(markup, shown) >= 6);  // host, error, account, cause, state, host table
  CHECK(has(markup, "data-session=\"&quot;&gt;&lt;b&gt;id\""));
  CHECK(has(markup, shown + "\n\\x01\\x1B[31m</td>"));
  CHECK(has(markup, "&lt;/li&gt;&lt;/ul&gt;&lt;b&gt;d&lt;/b&gt; &amp; &quot;q&quot;</li>"));
  // A state that is not a plain word is shown, but never becomes a class.
  CHECK(has(markup,
            "<td class=\"c-state\" data-value=\"X&quot; onmouseover=&quot;alert(3)\">"
            "<span class=\"badge\">X&quot; onmouseover=&quot;alert(3)</span>"));
  CHECK(has(markup, "<span class=\"badge\">FAILED ok</span>"));
  CHECK_FALSE(has(markup, "st-FAILED ok"));
  check_balanced(page);
}

TEST_CASE("the lists are bounded; what is left out is counted") {
  std::string doc = R"({"sessions":[)";
  for (int i = 0; i < 30; ++i) {
    if (i) doc += ",";
    const std::string n = std::to_string(i);
    doc += R"({"host":"h)" + n + R"(","session_id":"s)" + n +
           R"(","state":"FAILED",)"
           R"("failed_accounts":[)";
    for (int a = 0; a < 3; ++a) {
      doc += std::string(a ? "," : "") + R"({"account":"a)" + n + "_" + std::to_string(a) +
             R"(","cause":"c)" + std::to_string((i + a) % 15) + R"("})";
    }
    doc += R"(],"dangerous_accounts":[{"account":"d)" + n + R"(","dangerous_items":1}]})";
  }
  doc += R"(],"hosts":[]})";
  PageContext c = context();
  c.max_problems = 4;
  c.max_causes = 5;
  c.max_accounts_per_cause = 2;
  c.max_dangerous = 3;
  c.max_session_rows = 7;
  const std::string page = render_landing_page(doc, c);
  CHECK(count(page, "data-kind=\"failed\" data-host=") == 4);
  CHECK(has(page,
            "<li class=\"more\" data-kind=\"failed\">+ 26 more failed or aborted "
            "sessions</li>"));
  CHECK(count(page, "<td class=\"text c-cause\">") == 5);
  CHECK(has(page, "<li class=\"more\" data-kind=\"causes\">+ 10 more causes</li>"));
  CHECK(count(page, "<li class=\"more\" data-kind=\"cause\">+ 4 more accounts</li>") == 5);
  CHECK(count(page, "data-account=\"d") == 3);
  CHECK(has(page, "+ 27 more accounts with dangerous items</li>"));
  CHECK(count(page, "<tr class=\"session\"") == 7);
  CHECK(has(page, "23 more sessions: they appear once the page has loaded its data"));
  CHECK(has(page,
            "data-max-problems=\"4\" data-max-causes=\"5\" "
            "data-max-accounts-per-cause=\"2\" data-max-dangerous=\"3\""));
  check_balanced(page);
}

TEST_CASE("long texts are cut in the overview") {
  const std::string long_text(5000, 'x');
  std::string doc = R"({"sessions":[{"host":"h","session_id":"s","state":null,)"
                    R"("state_unknown_reason":")" +
                    long_text +
                    R"(","failed_accounts":[)"
                    R"({"account":"a","cause":")" +
                    long_text +
                    R"("}],"dangerous_accounts":[)"
                    R"({"account":"d","dangerous_items":5,"texts":["1","2","3","4","5"]}]}],)"
                    R"("hosts":[{"name":"h","up":false,"last_poll":1,"last_error_message":")" +
                    long_text + R"("}]})";
  const std::string page = render_landing_page(doc, context());
  const std::string cut = std::string(297, 'x') + "\xE2\x80\xA6";  // 300 bytes with the "…"
  CHECK(count(page, cut) == 4);  // the reason, the cause, the host's error twice
  CHECK_FALSE(has(page, std::string(298, 'x')));
  CHECK(has(page,
            "<li class=\"text\">3</li><li class=\"more\">+ 2 more in the session's "
            "details</li>"));
  CHECK_FALSE(has(page, "<li class=\"text\">4</li>"));
}

TEST_CASE("a big migration: the first screen stays under 100 KB") {
  wte::test::BigCockpit spec;  // 500 sessions, 20,000 accounts
  const std::string doc = wte::test::big_cockpit_document(spec);
  const std::string page = render_landing_page(doc, context());
  MESSAGE("page: " << page.size() << " bytes for a document of " << doc.size() << " bytes");
  CHECK(page.size() < 100 * 1024);
  CHECK(count(page, "<tr class=\"session\"") == 25);
  CHECK(has(page, "475 more sessions"));
  CHECK(summary_value(page, "accounts.total") == "20000");
  check_balanced(page);
}

TEST_CASE("an exporter with nothing to show, or a document that cannot be read") {
  const std::string empty = render_landing_page(R"({"sessions":[],"hosts":[]})", context());
  CHECK(has(empty, "No failed, stalled or stuck session; every host is up."));
  CHECK(has(empty, "No failed account."));
  CHECK(has(empty, "No dangerous item."));
  CHECK(has(empty, "No session is watched."));
  CHECK(has(empty, "No hosts configured."));
  CHECK(summary_value(empty, "accounts.total") == "");  // no summary: unknown, not 0
  check_balanced(empty);

  const std::string broken = render_landing_page("{\"sessions\":[", context());
  CHECK(has(broken,
            "The exporter could not read its own state: the sessions document is not "
            "JSON: "));
  CHECK(broken.ends_with("</html>\n"));
  check_balanced(broken);
}

TEST_CASE("from a status source: the document of sessions_json, read as the API's") {
  wte::test::FakeStatusSource src;
  auto& h = src.add_host("h1");
  h.last_poll = wte::test::kFixtureNow - 12;
  h.last_success = h.last_poll;
  src.add_session("h1", "openapi", wte::test::fixture_log("openapi-2020-failed-root.log"))
      .api_state = "COMPLETED";
  src.add_session("h1", "seed", wte::test::fixture_log("seed-2014-three-accounts.log"));
  auto& unknown = src.add_session("h1", "new", wte::test::control("start"));
  unknown.log_read = false;
  unknown.unknown_reason = "not polled yet";
  const std::string page = render_landing_page(src, context());
  CHECK(page == render_landing_page(wte::status::sessions_json(src, {.items = false}), context()));
  CHECK(cell(session_row(page, "h1", "openapi"), "c-state") == "COMPLETED");
  CHECK(cell(session_row(page, "h1", "seed"), "c-state") == "COMPLETED");
  const auto& model = src.sessions.front().log.model();  // openapi's
  CHECK(cell(session_row(page, "h1", "openapi"), "c-bytes") ==
        std::to_string(model.queue("TRANSFER")->counts.bytes_finished));
  CHECK(has(session_row(page, "h1", "new"),
            ">unknown</span> <span class=\"muted\">not polled "
            "yet</span>"));
  CHECK(has(page, "<tr data-host=\"h1\">"));
  check_balanced(page);
}

TEST_CASE("from a status source: stalls are measured at the page's time and threshold") {
  // Regression: the page once built its document with a zero clock and the default
  // threshold, so a stalled session was never shown as such.
  wte::test::FakeStatusSource src;
  auto& h = src.add_host("h1");
  h.last_poll = wte::test::kFixtureNow - 5;
  h.last_success = h.last_poll;
  auto& s = src.add_session("h1", "quiet", wte::test::fixture_log("seed-2014-three-accounts.log"));
  s.api_state = "RUNNING";
  s.last_change = wte::test::kFixtureNow - 3600;  // an hour without growth
  PageContext strict = context();
  strict.stall_threshold_seconds = 1800;
  CHECK(has(session_row(render_landing_page(src, strict), "h1", "quiet"), "stalled "));
  PageContext patient = context();
  patient.stall_threshold_seconds = 7200;
  CHECK_FALSE(has(session_row(render_landing_page(src, patient), "h1", "quiet"), "stalled "));
}
