// The landing page: numbers match the model, everything from outside is escaped, and an
// exporter with nothing to show still renders.
#include "status/landing_page.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "log/log_builder.hpp"
#include "metrics/fake_status_source.hpp"
#include "support/test_files.hpp"
#include "text/utf8.hpp"

using wte::status::PageContext;
using wte::status::render_landing_page;
using wte::test::FakeStatusSource;

namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

PageContext context() {
  PageContext c;
  c.version = "1.2.3";
  c.now_unix = 1700000000;
  return c;
}

// The data-value of the one element locating (host, session, queue, field).
std::optional<std::string> data_value(const std::string& page, const std::string& host,
                                      const std::string& session, const std::string& queue,
                                      const std::string& field) {
  const std::string needle = "data-host=\"" + host + "\" data-session=\"" + session +
                             "\" data-queue=\"" + queue + "\" data-field=\"" + field +
                             "\" data-value=\"";
  const auto at = page.find(needle);
  if (at == std::string::npos || count(page, needle) != 1) return std::nullopt;
  const auto start = at + needle.size();
  return page.substr(start, page.find('"', start) - start);
}

std::string number(std::optional<std::int64_t> v) {
  return v ? std::to_string(*v) : "";
}

// Every number the sessions table shows for `s` equals the model's.
void check_numbers_match_model(const std::string& page, const wte::test::FakeSession& s) {
  const auto& model = s.log.model();
  REQUIRE_FALSE(model.queues().empty());
  for (const auto& q : model.queues()) {
    CAPTURE(s.id);
    CAPTURE(q.name);
    const auto v = [&](const char* field) { return data_value(page, s.host, s.id, q.name, field); };
    CHECK(v("items_finished") == std::to_string(q.counts.items_finished));
    CHECK(v("items_total") == number(q.counts.items_total));
    CHECK(v("items_succeeded") == std::to_string(q.counts.items_succeeded));
    CHECK(v("items_failed") == std::to_string(q.counts.items_failed));
    CHECK(v("dangerous_items") == std::to_string(q.counts.dangerous_items));
    CHECK(v("bytes_finished") == std::to_string(q.counts.bytes_finished));
    CHECK(v("bytes_total") == number(q.counts.bytes_total));
  }
}

// Tags opened and closed as often: the page is not cut or unbalanced.
void check_balanced(const std::string& page) {
  for (const std::string tag : {"html", "head", "body", "main", "section", "table", "thead",
                                "tbody", "tr", "td", "th", "ul", "li", "progress", "span"}) {
    CAPTURE(tag);
    CHECK(count(page, "<" + tag + ">") + count(page, "<" + tag + " ") ==
          count(page, "</" + tag + ">"));
  }
}

FakeStatusSource fixtures() {
  FakeStatusSource src;
  auto& h1 = src.add_host("h1");
  h1.last_poll = 1700000000 - 12;
  h1.last_success = h1.last_poll;
  h1.last_poll_duration = 0.25;
  h1.sessions = 2;
  auto& h2 = src.add_host("h2");
  h2.up = false;
  h2.last_error_reason = "timeout";
  h2.last_error_message = "no answer within 10 s";
  src.add_session("h1", "openapi", wte::test::fixture_log("openapi-2020-failed-root.log"))
      .api_state = "COMPLETED";
  src.add_session("h1", "seed", wte::test::fixture_log("seed-2014-three-accounts.log"));
  return src;
}

}  // namespace

TEST_CASE("the numbers of the page are the model's") {
  const auto src = fixtures();
  const std::string page = render_landing_page(src, context());
  for (const auto& s : src.sessions) check_numbers_match_model(page, s);
  CHECK(data_value(page, "h1", "seed", "RESTORE", "items_finished") == "3");
  CHECK(data_value(page, "h1", "openapi", "TRANSFER", "items_failed") == "1");
  // <progress> shows finished of total.
  CHECK(count(page, "<progress max=\"3\" value=\"3\">") == 2);
  CHECK(count(page, "<progress max=\"1\" value=\"1\">") == 2);
  CHECK(count(page, "> items</td>") == 4);
  // Highlights: failed > 0 in red, dangerous > 0 in amber, not when 0.
  CHECK(page.find("<td class=\"num bad\" data-host=\"h1\" data-session=\"openapi\" "
                  "data-queue=\"RESTORE\" data-field=\"items_failed\"") != std::string::npos);
  CHECK(page.find("<td class=\"num\" data-host=\"h1\" data-session=\"seed\" "
                  "data-queue=\"RESTORE\" data-field=\"items_failed\"") != std::string::npos);
  CHECK(page.find("<td class=\"num warn\" data-host=\"h1\" data-session=\"seed\" "
                  "data-queue=\"RESTORE\" data-field=\"dangerous_items\"") != std::string::npos);
  check_balanced(page);
}

TEST_CASE("hosts, failed items and dangerous or altered items are listed") {
  const auto src = fixtures();
  const std::string page = render_landing_page(src, context());
  CHECK(page.find("<tr data-host=\"h1\"><td>h1</td><td>remote</td><td data-field=\"up\" "
                  "data-value=\"1\"><span class=\"badge up\">up</span>") != std::string::npos);
  CHECK(page.find("<span class=\"badge down\">down</span>") != std::string::npos);
  CHECK(page.find("12 s ago <span class=\"muted\">(0.250 s)</span>") != std::string::npos);
  CHECK(page.find("<strong>timeout</strong>: no answer within 10 s") != std::string::npos);
  // The failed root item, once per queue, with its text.
  CHECK(count(page, "data-session=\"openapi\" data-queue=\"TRANSFER\" data-item=\"root\"") == 1);
  CHECK(count(page, "data-session=\"openapi\" data-queue=\"RESTORE\" data-item=\"root\"") == 1);
  CHECK(count(page,
              "already exists on \xE2\x80\x9C"
              "control.box.new\xE2\x80\x9D.</td>") == 2);
  // colin: 1 dangerous, 1 altered (two texts).
  CHECK(count(page, "data-item=\"colin\"") == 1);
  CHECK(page.find("These databases don&#39;t exist in the archive.</li>") != std::string::npos);
  CHECK(page.find("restored as \xE2\x80\x9Ctestdatabase\xE2\x80\x9D</li>") != std::string::npos);
  CHECK(page.find("data-item=\"stacy\"") == std::string::npos);  // neither failed nor dangerous
}

TEST_CASE("the page is self-contained, refreshes, and links to the API") {
  const auto src = fixtures();
  const std::string page = render_landing_page(src, context());
  CHECK(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  CHECK(page.ends_with("</html>\n"));
  CHECK(count(page, "<meta http-equiv=\"refresh\" content=\"5\">") == 1);
  CHECK(page.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(page.find("<a href=\"/metrics\">") != std::string::npos);
  CHECK(page.find("<a href=\"/api/v1/sessions\">") != std::string::npos);
  CHECK(page.find("whm_transfer_exporter <span class=\"version\">1.2.3</span>") !=
        std::string::npos);
  CHECK(page.find("<time datetime=\"2023-11-14T22:13:20Z\">") != std::string::npos);
  // No script, no external resource: the only URLs are our own paths.
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find(" src=") == std::string::npos);
  CHECK(page.find("http://") == std::string::npos);
  CHECK(page.find("https://") == std::string::npos);
  CHECK(page.find("<link rel=\"icon\" href=\"data:,\">") != std::string::npos);

  PageContext c = context();
  c.refresh_seconds = 0;
  c.metrics_path = "/prefix/metrics";
  const std::string still = render_landing_page(src, c);
  CHECK(still.find("http-equiv") == std::string::npos);
  CHECK(still.find("<a href=\"/prefix/metrics\">") != std::string::npos);
}

TEST_CASE("an exporter with nothing to show renders") {
  const FakeStatusSource empty;
  const std::string page = render_landing_page(empty, context());
  CHECK(page.find("No hosts configured.") != std::string::npos);
  CHECK(page.find("No session is watched.") != std::string::npos);
  CHECK(page.find("No failed item.") != std::string::npos);
  CHECK(page.find("No dangerous or altered item.") != std::string::npos);
  CHECK(page.ends_with("</html>\n"));
  check_balanced(page);

  FakeStatusSource fresh;  // a session whose log has no queue yet
  fresh.add_session("h1", "new", wte::test::control("start"));
  const std::string p = render_landing_page(fresh, context());
  CHECK(p.find("No queue in the log yet.") != std::string::npos);
  CHECK(p.find("data-session=\"new\" data-field=\"state\" data-value=\"RUNNING\"") !=
        std::string::npos);
  check_balanced(p);
}

TEST_CASE("hostile strings from logs and servers are escaped") {
  FakeStatusSource src;
  auto& h = src.add_host("<script>alert('host')</script>");
  h.up = false;
  h.last_error_reason = "bad_response";
  h.last_error_message = std::string(10 * 1024, '<') + "\x01\x1b[31m";
  std::string log = wte::test::control("start");
  log += wte::test::worker("start", "RESTORE", R"(<img src=x onerror=alert(1)>)");
  log += wte::test::worker("failed-item", "RESTORE", R"(<img src=x onerror=alert(1)>)",
                           R"({"failure":"<script>alert(\"fail\")</script>\nsecond line \u0007 )" +
                               std::string(10 * 1024, 'f') + R"("})");
  log += wte::test::worker(
      "warning-item", "TRANSFER", "bad\xFFname",
      R"({"dangerous_items":1,"altered_items":1,"contents":{)"
      R"("dangerous_items":[[["X","y",1],"<script>d</script> & \"quoted\"",null]],)"
      R"("altered_items":[[["X","z",2],"</li></ul><b>altered</b>",null]]}})");
  auto& s = src.add_session("<script>alert('host')</script>", "\"><script>x</script>", log);
  s.api_state = "<b>STATE</b>";
  s.last_error = "http: 500 <html>\x02";
  const std::string page = render_landing_page(src, context());

  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  CHECK(page.find("</li></ul><b>") == std::string::npos);
  CHECK(page.find("\x01") == std::string::npos);
  CHECK(page.find("\x1b") == std::string::npos);
  CHECK(wte::text::is_valid_utf8(page));
  CHECK(page.find("&lt;script&gt;alert(&#39;host&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(page.find("data-session=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"") !=
        std::string::npos);
  CHECK(page.find("&lt;b&gt;STATE&lt;/b&gt;") != std::string::npos);
  std::string escaped_message;
  for (int i = 0; i < 10 * 1024; ++i) escaped_message += "&lt;";
  CHECK(count(page, escaped_message + "\\x01\\x1B[31m</td>") == 1);
  CHECK(page.find("\\x01\\x1B[31m</td>") != std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(&quot;fail&quot;)&lt;/script&gt;\nsecond line \\x07 f") !=
        std::string::npos);
  CHECK(page.find("&lt;script&gt;d&lt;/script&gt; &amp; &quot;quoted&quot;</li>") !=
        std::string::npos);
  CHECK(page.find("&lt;/li&gt;&lt;/ul&gt;&lt;b&gt;altered&lt;/b&gt;</li>") != std::string::npos);
  CHECK(page.find("bad\xEF\xBF\xBDname") != std::string::npos);  // repaired by the model
  CHECK(page.find("http: 500 &lt;html&gt;\\x02") != std::string::npos);
  check_balanced(page);
}

TEST_CASE("the item tables are bounded per session") {
  FakeStatusSource src;
  std::string log = wte::test::control("start");
  for (int i = 0; i < 5; ++i) {
    log += wte::test::worker("failed-item", "RESTORE", "user" + std::to_string(i),
                             R"({"failure":"boom"})");
  }
  src.add_session("h1", "s1", log);
  PageContext c = context();
  c.max_items_per_session = 2;
  const std::string page = render_landing_page(src, c);
  CHECK(count(page, "<td class=\"text\">boom</td>") == 2);
  CHECK(page.find("data-item=\"user1\"") != std::string::npos);
  CHECK(page.find("data-item=\"user2\"") == std::string::npos);
  CHECK(page.find("3 more items of this session: see <a href=\"/api/v1/sessions\">") !=
        std::string::npos);
  CHECK(data_value(page, "h1", "s1", "RESTORE", "items_failed") == "5");
  check_balanced(page);
}
