"""End to end in a real browser, at the scale of a big migration: whm-sim with 500 sessions
(25 hosts of 20 sessions of 40 accounts: 20,000 accounts, some failed, some with dangerous
items; three sessions FAILED, one ABORTED, one whose log stops growing while it runs, and one
host refusing connections) -> the exporter -> its landing page in headless Chromium, driven
over the DevTools protocol (wte_testing/cdp.py).

The page must load without a console error, show in its summary and its session rows exactly
the numbers of the /api/v1/sessions document it fetched, have the failed sessions and the
stalled one on its first screen, list the hosts down first and in natural order, sort, filter
and expand, update itself without a reload when a host comes back, fit 390 px without
horizontal overflow, and insert hostile text as text. Screenshots at 1400 and 390 px go to
$WTE_BINARY_DIR/landing-page-1400.png and landing-page-390.png for a human to look at.

The tests pass in any order and alone: each one starts from the page freshly loaded, and the
one that changes the world (a host coming back, test_8) has a small world of its own."""
import base64
import json
import os
import shutil
import subprocess
import sys
import time
import unittest
import urllib.request

from wte_testing.cdp import CHROMIUM, Chromium
from wte_testing.e2e import require_tool
from wte_testing.harness import BINARY_DIR, Exporter, Simulator, new_workdir, wait_for, write_config

HOSTS, PER_HOST, ACCOUNTS = 25, 20, 40
END_STATES = {5: "FAILED", 77: "FAILED", 301: "FAILED", 150: "ABORTED"}  # session index -> state
STALLED = 222  # its log stops in the middle while the session runs
DOWN_HOST = 24  # refuses connections throughout
STALL_THRESHOLD = 5  # seconds
LOGGEN = os.path.join(BINARY_DIR, "tools", "loggen", "loggen")
SCREENSHOT = os.path.join(BINARY_DIR, "landing-page-{}.png")
FIRST_SCREEN_BYTES = 100 * 1024

# What the page shows: the summary's data-value by field, and each session row's cells.
READ_PAGE = """(() => {
  const summary = {};
  document.querySelectorAll('[data-summary]').forEach(e => {
    summary[e.dataset.summary] = e.dataset.value; });
  const cell = (r, c) => r.querySelector('td.' + c);
  const rows = [...document.querySelectorAll('tr.session')].map(r => ({
    host: r.dataset.host, session: r.dataset.session,
    state: cell(r, 'c-state').dataset.value, done: cell(r, 'c-acc').dataset.done,
    total: cell(r, 'c-acc').dataset.total, failed: cell(r, 'c-failed').dataset.value,
    dangerous: cell(r, 'c-dang').dataset.value, remaining: cell(r, 'c-rem').dataset.value,
    bytes: cell(r, 'c-bytes').dataset.value, rate: cell(r, 'c-rate').dataset.value,
    eta: cell(r, 'c-eta').dataset.value, text: r.textContent}));
  return {updates: Number(document.body.dataset.updates || 0), summary, rows};
})()"""


# What the server drew and the script draws the same way, from a document (the live one, or
# the server's page parsed without running its script). Times relative to now (the stalled
# minutes, the estimated completion, ages) and the throughput, which moves with the clock,
# are left out: their numbers are compared in test_3 and test_4.
DRAWN = """(doc => {
  const text = e => e ? e.textContent.replace(/\\s+/g, ' ').trim() : null;
  const cells = (r, names) => names.map(c => text(r.querySelector('td.' + c)));
  return {
    summary: [...doc.querySelectorAll('#tiles .tile')].map(t => [text(t.querySelector('h2')),
      ['Estimated completion', 'Throughput'].includes(text(t.querySelector('h2'))) ? null : text(t)]),
    problems: [...doc.querySelectorAll('#problems-body ul.problems > li')].map(li =>
      [li.dataset.kind, li.dataset.host || null, li.dataset.session || null,
       li.dataset.kind === 'stalled' || li.dataset.kind === 'host-down' ? null : text(li)]),
    causes: [...doc.querySelectorAll('#problems-body table.causes tbody tr')].map(text),
    dangerous: [...doc.querySelectorAll('#problems-body table.dangerous tbody tr')].map(text),
    altered: text(doc.getElementById('altered')),
    rows: [...doc.querySelectorAll('tr.session')].slice(0, 25).map(r => [r.dataset.host,
      r.dataset.session, r.querySelector('td.c-state').dataset.value,
      ...cells(r, ['c-id', 'c-acc', 'c-failed', 'c-dang', 'c-rem', 'c-bytes'])]),
    hosts: [...doc.querySelectorAll('#hosts-body tr')].map(r => [r.dataset.host,
      text(r.cells[0]), text(r.cells[1]), text(r.cells[4]), text(r.cells[5])])};
})"""


def page_errors(events):
    """Console errors, uncaught exceptions and browser log errors (failed loads) as text."""
    out = []
    for e in events:
        p = e.get("params", {})
        if e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console." + p["type"] + ": " +
                       " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        elif e["method"] == "Runtime.exceptionThrown":
            details = p.get("exceptionDetails", {})
            out.append("exception: " + details.get("exception", {}).get(
                "description", details.get("text", "?")))
        elif e["method"] == "Log.entryAdded" and p["entry"].get("level") == "error":
            out.append(f"log ({p['entry'].get('source')}): {p['entry'].get('text')} "
                       f"{p['entry'].get('url', '')}")
    return out


def same_number(shown, value):
    """A data-value the page shows against the document's value ("" is null)."""
    if value is None:
        return shown == ""
    return shown != "" and float(shown) == float(value)


def write_logs(workdir):
    """The --log arguments of the 500 sessions: a few generated logs shared by the healthy
    sessions, and one of its own for each failed, aborted or stalled one."""
    start = int(time.time()) - 3600

    def generate(name, *args):
        path = os.path.join(workdir, name + ".log")
        subprocess.run([LOGGEN, "--accounts", str(ACCOUNTS), "--start-time", str(start),
                        "--out", path, *args], check=True, timeout=120, capture_output=True)
        return path
    common = [generate(f"completed{i}", "--seed", str(100 + i)) for i in range(8)]
    own = {g: generate(f"{state.lower()}{g}", "--seed", str(g), "--end-state", state)
           for g, state in END_STATES.items()}
    own[STALLED] = generate("stalled", "--seed", str(STALLED), "--end-state", "RUNNING")
    return [own.get(g, common[g % len(common)]) for g in range(HOSTS * PER_HOST)]


class BrowserEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool(CHROMIUM)
        cls.started = time.monotonic()
        cls.work = new_workdir()
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        logs = write_logs(cls.work)
        args = ["--hosts", str(HOSTS), "--sessions-per-host", str(PER_HOST), "--rate", "5000"]
        for path in logs:
            args += ["--log", path]
        cls.sim = Simulator(cls.work, *args)
        cls.addClassCleanup(cls.sim.stop)
        cls.down_host = f"sim{DOWN_HOST}"
        cls.sim.fault(cls.down_host, "refuse")  # once its port is known
        stalled_host = cls.sim.hosts[STALLED // PER_HOST]
        cls.stalled = (stalled_host["name"], stalled_host["sessions"][STALLED % PER_HOST])
        cls.exporter = Exporter(cls.work, write_config(
            cls.work, cls.sim, extra=f"stall_threshold: {STALL_THRESHOLD}s", poll_interval="1s",
            timeout="3s"))
        cls.addClassCleanup(cls.exporter.stop)
        cls.api = wait_for(cls.settled, timeout=180, interval=1,
                           what="every session read, the stalled one stalled")
        cls.browser = Chromium(cls.work)
        cls.addClassCleanup(cls.browser.stop)
        cls.devtools = cls.browser.page()
        cls.addClassCleanup(cls.devtools.close)
        for domain in ("Page", "Runtime", "Log", "Network"):
            cls.devtools.call(f"{domain}.enable")

    def setUp(self):
        """A fresh page for every test: what one test does to it (filters, sorting, a fetch
        replaced by a hostile one) never reaches another."""
        self.load_page(self.exporter)

    @classmethod
    def navigate(cls, url):
        nav = cls.devtools.call("Page.navigate", url=url)
        if nav.get("errorText"):
            raise AssertionError(f"navigation to {url} failed: {nav['errorText']}")
        cls.devtools.wait_event("Page.loadEventFired")

    @classmethod
    def load_page(cls, exporter):
        """The exporter's landing page, loaded anew, once it has drawn its first update.
        `events` holds this page's only: the last page is replaced by a blank one (its
        requests and messages end there) before they are dropped."""
        d = cls.devtools
        cls.navigate("about:blank")
        d.evaluate("1")  # drains what arrived meanwhile
        d.events.clear()
        cls.navigate(exporter.url("/"))
        cls.wait_page(lambda: d.evaluate("Number(document.body.dataset.updates || 0)") >= 1,
                      "the page's first update")

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.__name__}: {time.monotonic() - cls.started:.1f} s", file=sys.stderr)

    @classmethod
    def lean_api(cls, exporter=None):
        url = (exporter or cls.exporter).url("/api/v1/sessions?items=0")
        with urllib.request.urlopen(url, timeout=30) as r:
            return json.loads(r.read())

    @classmethod
    def settled(cls):
        """The document once every session is read (but the down host's), the special ones in
        their end state, and the stalled one over the threshold; else None."""
        api = cls.lean_api()
        sessions = api["sessions"]
        if len(sessions) != HOSTS * PER_HOST:
            return None
        for s in sessions:
            if s["host"] == cls.down_host:
                continue
            if (s["host"], s["session_id"]) == cls.stalled:
                if s.get("stalled_seconds") is None:
                    return None
            elif not s["finished"]:
                return None
        return api

    @classmethod
    def wait_page(cls, predicate, what, timeout=60):
        return wait_for(predicate, timeout=timeout, interval=0.5, what=what)

    def read_page(self):
        """The page's numbers and the document they were drawn from: the page fetches the
        document again and again, one request after the other, so its n-th update is the n-th
        request's answer."""
        d = self.devtools
        for _ in range(10):
            page = d.evaluate(READ_PAGE)
            if page["updates"] == d.evaluate("Number(document.body.dataset.updates || 0)"):
                break
        requests = [e["params"]["requestId"] for e in d.events
                    if e["method"] == "Network.requestWillBeSent"
                    and "/api/v1/sessions?items=0" in e["params"]["request"]["url"]]
        self.assertGreaterEqual(len(requests), page["updates"])
        body = d.call("Network.getResponseBody", requestId=requests[page["updates"] - 1])
        text = base64.b64decode(body["body"]) if body.get("base64Encoded") else body["body"]
        return page, json.loads(text)

    def test_1_page_renders_without_errors(self):
        d = self.devtools
        self.assertEqual(d.evaluate("document.title"), "whm_transfer_exporter")
        self.assertEqual(d.evaluate("document.compatMode"), "CSS1Compat")  # no quirks mode
        for section in ("summary", "problems", "sessions", "hosts"):
            self.assertTrue(d.evaluate(f"document.getElementById('{section}').offsetHeight > 0"),
                            section)
        self.assertIn("Updated ", d.evaluate("document.getElementById('updated').textContent"))
        # One page, one script, nothing loaded from elsewhere.
        urls = {e["params"]["request"]["url"].split("?")[0] for e in d.events
                if e["method"] == "Network.requestWillBeSent"}
        self.assertEqual(urls, {self.exporter.url("/"), self.exporter.url("/api/v1/sessions")})
        time.sleep(0.5)  # late console messages (none expected) still arrive
        d.evaluate("1")  # drains the events received meanwhile
        errors = page_errors(d.events)
        self.assertEqual(errors, [], "\n".join(errors))

    def test_2_first_screen_is_small_and_holds_the_problems(self):
        status, _, body = self.exporter.get("/")
        self.assertEqual(status, 200)
        print(f"\nlanding page: {len(body)} bytes", file=sys.stderr)
        self.assertLess(len(body), FIRST_SCREEN_BYTES)
        shown = self.devtools.evaluate("""(() => {
          const at = sel => [...document.querySelectorAll(sel)].map(e => {
            const r = e.getBoundingClientRect();
            return [e.dataset.host, e.dataset.session || null, r.top >= 0 && r.bottom <= innerHeight];
          });
          return {scroll: scrollY, failed: at('#problems li[data-kind=failed]'),
                  stalled: at('#problems li[data-kind=stalled]'),
                  down: at('#problems li[data-kind=host-down]')};
        })()""")
        self.assertEqual(shown["scroll"], 0)
        failed = {(s["host"], s["session_id"]) for s in self.api["sessions"]
                  if s["state"] in ("FAILED", "ABORTED")}
        self.assertEqual(len(failed), len(END_STATES))
        self.assertEqual({(h, s) for h, s, _ in shown["failed"]}, failed)
        self.assertIn([*self.stalled, True], shown["stalled"])
        self.assertEqual(shown["down"], [[self.down_host, None, True]])
        self.assertTrue(all(visible for _, _, visible in shown["failed"]), shown["failed"])

    def test_3_summary_equals_the_api(self):
        page, doc = self.read_page()
        summary = doc["summary"]
        want = {"sessions": len(doc["sessions"]), "hosts": len(doc["hosts"]),
                "bytes_total": summary["bytes_total"], "bytes_done": summary["bytes_done"],
                "accounts_per_hour": summary["accounts_per_hour"],
                "estimated_completion": summary["estimated_completion"],
                "hosts_down": summary["hosts_down"]}
        for k, v in summary["accounts"].items():
            want["accounts." + k] = v
        for k, v in summary["sessions_by_state"].items():
            want["sessions_by_state." + k] = v
        if summary["sessions_without_estimate"]:  # shown when there are some
            want["sessions_without_estimate"] = summary["sessions_without_estimate"]
        self.assertEqual(set(page["summary"]), set(want))
        for field, value in want.items():
            self.assertTrue(same_number(page["summary"][field], value),
                            f"{field}: page {page['summary'][field]!r}, API {value!r}")
        # The document the page drew equals a fresh one on what no longer moves.
        fresh = self.lean_api()["summary"]
        for field in ("sessions_by_state", "accounts", "bytes_total", "bytes_done",
                      "hosts_down"):
            self.assertEqual(summary[field], fresh[field], field)
        self.assertEqual(summary["hosts_down"], 1)

    def test_3b_the_script_draws_what_the_server_drew(self):
        d = self.devtools
        for attempt in range(5):  # a moment when nothing moved between the two
            live = d.evaluate(DRAWN + "(document)")
            _, _, html = self.exporter.get("/")
            served = d.evaluate(DRAWN + "(new DOMParser().parseFromString(" +
                                json.dumps(html.decode()) + ", 'text/html'))")
            if live == served:
                break
            time.sleep(1)
        self.assertTrue(live["problems"] and live["causes"] and live["rows"] and live["hosts"])
        for part in served:
            self.assertEqual(live[part], served[part], part)

    def test_4_every_session_row_equals_the_api(self):
        d = self.devtools
        while d.evaluate("!!document.querySelector('button[data-show=sessions]')"):
            d.evaluate("document.querySelector('button[data-show=sessions]').click()")
        page, doc = self.read_page()
        rows = {(r["host"], r["session"]): r for r in page["rows"]}
        self.assertEqual(len(page["rows"]), HOSTS * PER_HOST, "one row per session")
        self.assertEqual(set(rows), {(s["host"], s["session_id"]) for s in doc["sessions"]})
        for s in doc["sessions"]:
            r = rows[(s["host"], s["session_id"])]
            a = s["accounts"]
            transfer = s["summary"]["queues"].get("TRANSFER") or {}
            self.assertEqual(r["state"], s["state"] or "", r)
            for shown, value in ((r["done"], a["done"]), (r["total"], a["total"]),
                                 (r["failed"], a["failed"]),
                                 (r["dangerous"], a["with_dangerous_items"]),
                                 (r["remaining"], a["remaining"]),
                                 (r["bytes"], transfer.get("bytes_finished")),
                                 (r["rate"], s["throughput"]["accounts_per_hour"]),
                                 (r["eta"], s["estimated_completion"])):
                self.assertTrue(same_number(shown, value), (s["host"], s["session_id"], r))
            if s["state"] is None:
                self.assertIn("unknown", r["text"])
                self.assertIn(s["state_unknown_reason"], r["text"])
            if s["waiting_for_end"]:
                self.assertIn("log available when the session ends", r["text"])

    def test_5_hosts_down_first_then_natural_order(self):
        d = self.devtools
        hosts = d.evaluate("[...document.querySelectorAll('#hosts-body tr[data-host]')]"
                           ".map(r => r.dataset.host)")
        self.assertEqual(hosts, [self.down_host] + [f"sim{i}" for i in range(HOSTS)
                                                    if i != DOWN_HOST])
        first = d.evaluate("[...document.querySelectorAll('tr.session')].slice(0, 21)"
                           ".map(r => r.dataset.host)")
        self.assertEqual(first, [self.down_host] * PER_HOST + ["sim0"])

    def filter_rows(self, host="", state="", account=""):
        return self.devtools.evaluate(f"""(() => {{
          const f = document.getElementById('filters');
          f.elements.host.value = {json.dumps(host)};
          f.elements.state.value = {json.dumps(state)};
          f.elements.account.value = {json.dumps(account)};
          f.dispatchEvent(new Event('input', {{bubbles: true}}));
          return [...document.querySelectorAll('tr.session')].map(r =>
            [r.dataset.host, r.dataset.session]);
        }})()""")

    def test_6_filter_sort_and_expand(self):
        d = self.devtools
        _, doc = self.read_page()
        failed = sorted([s["host"], s["session_id"]] for s in doc["sessions"]
                        if s["state"] == "FAILED")
        self.assertEqual(sorted(self.filter_rows(state="FAILED")), failed)
        self.assertEqual({h for h, _ in self.filter_rows(host="sim3")}, {"sim3"})
        # An account of a failed session, found by part of its name.
        target = next(s for s in doc["sessions"] if s["state"] == "FAILED")
        needle = target["account_names"][-1][1:-1].upper()
        want = sorted([s["host"], s["session_id"]] for s in doc["sessions"]
                      if any(needle.lower() in n.lower() for n in s["account_names"]))
        self.assertIn([target["host"], target["session_id"]], want)
        self.assertEqual(sorted(self.filter_rows(account=needle)), want)
        self.filter_rows()
        # Sorted by failed accounts, most first; a second click turns the order around.
        read_failed = ("[...document.querySelectorAll('tr.session td.c-failed')]"
                       ".map(c => c.dataset.value === '' ? null : Number(c.dataset.value))")
        d.evaluate("document.querySelector('th[data-sort=failed] button').click()")
        values = [v for v in d.evaluate(read_failed) if v is not None]
        self.assertEqual(values, sorted(values, reverse=True))
        self.assertEqual(d.evaluate("document.querySelector('th[data-sort=failed]')"
                                    ".getAttribute('aria-sort')"), "descending")
        d.evaluate("document.querySelector('th[data-sort=failed] button').click()")
        values = [v for v in d.evaluate(read_failed) if v is not None]
        self.assertEqual(values, sorted(values))
        d.evaluate("document.querySelector('th[data-sort=host] button').click()")
        # A row opens to its details and closes again.
        key = [target["host"], target["session_id"]]
        toggle = (f"document.querySelector('tr.session[data-host=\"{key[0]}\"]"
                  f"[data-session=\"{key[1]}\"] button.toggle').click()")
        d.evaluate(toggle)
        detail = d.evaluate(f"(() => {{ const r = document.querySelector("
                            f"'tr.detail[data-session=\"{key[1]}\"]');"
                            f" return r ? r.textContent : null; }})()")
        self.assertIsNotNone(detail)
        for text in ("Queues", "TRANSFER", "Failed accounts", target["failed_accounts"][0]["account"]):
            self.assertIn(text, detail)
        d.evaluate(toggle)
        self.assertFalse(d.evaluate("!!document.querySelector('tr.detail')"))

    def screenshot(self, name, height_limit=4000):
        d = self.devtools
        size = d.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = d.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": size["width"],
                            "height": min(size["height"], height_limit), "scale": 1})
        png = base64.b64decode(shot["data"])
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertGreater(len(png), 10_000)  # a rendered page, not a blank one
        with open(SCREENSHOT.format(name), "wb") as f:
            f.write(png)

    def test_7_screenshots_and_390_px(self):
        d = self.devtools
        self.screenshot("1400")
        d.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1,
               mobile=True)
        try:
            self.wait_page(lambda: d.evaluate("innerWidth") == 390, "a 390 px viewport")
            d.evaluate("new Promise(r => requestAnimationFrame(() => r(1)))")
            widths = d.evaluate("[document.documentElement.scrollWidth, "
                                "document.body.scrollWidth, innerWidth]")
            self.assertLessEqual(max(widths[:2]), 390, f"horizontal overflow: {widths}")
            wide = d.evaluate("[...document.querySelectorAll('main *')].filter(e => "
                              "e.getBoundingClientRect().right > innerWidth + 0.5)"
                              ".slice(0, 5).map(e => e.tagName + '.' + e.className)")
            self.assertEqual(wide, [], "elements wider than the screen")
            self.screenshot("390")
        finally:
            d.call("Emulation.clearDeviceMetricsOverride")

    def small_world_with_a_host_down(self, hosts=12):
        """A simulator of `hosts` hosts of one short session each, the last refusing
        connections, and an exporter that has read every other session to its end: the world
        of a test that lets the host come back (the shared world's host stays down)."""
        work = os.path.join(self.work, self.id().rsplit(".", 1)[-1])
        os.makedirs(work)
        sim = Simulator(work, "--hosts", str(hosts), "--sessions-per-host", "1",
                        "--accounts", "4", "--rate", "5000")
        self.addCleanup(sim.stop)
        down = f"sim{hosts - 1}"
        sim.fault(down, "refuse")
        exporter = Exporter(work, write_config(work, sim, poll_interval="1s", timeout="3s"))
        self.addCleanup(exporter.stop)

        def others_read():
            doc = self.lean_api(exporter)
            sessions = doc["sessions"]
            return (len(sessions) == hosts
                    and all(s["finished"] for s in sessions if s["host"] != down)
                    and [h["name"] for h in doc["hosts"] if not h["up"]] == [down])
        wait_for(others_read, timeout=60, interval=0.5, what="every session but the down host's")
        return sim, exporter, hosts

    def test_8_updates_arrive_without_a_reload(self):
        sim, exporter, hosts = self.small_world_with_a_host_down()
        self.load_page(exporter)
        d = self.devtools
        self.assertEqual(d.evaluate("document.querySelector('#problems li[data-kind=host-down]')"
                                    ".dataset.host"), f"sim{hosts - 1}")
        d.evaluate("window.sameDocument = 'yes'")
        navigations = len([e for e in d.events if e["method"] in (
            "Page.frameNavigated", "Page.loadEventFired")])
        updates = d.evaluate("Number(document.body.dataset.updates)")
        sim.clear_faults()  # the host comes back: its sessions are read

        def host_back():
            page, doc = self.read_page()
            return page if page["summary"]["hosts_down"] == "0" and all(
                r["state"] for r in page["rows"]) else None
        page = self.wait_page(host_back, "the page showing the host back", timeout=120)
        self.assertGreater(page["updates"], updates)
        self.assertEqual(d.evaluate("window.sameDocument"), "yes")
        d.evaluate("1")
        self.assertEqual(navigations, len([e for e in d.events if e["method"] in (
            "Page.frameNavigated", "Page.loadEventFired")]), "the page was reloaded")
        shown = d.evaluate("[...document.querySelectorAll('#hosts-body tr[data-host]')]"
                           ".map(r => r.dataset.host)")
        self.assertEqual(shown, [f"sim{i}" for i in range(hosts)])  # sim2 before sim10
        self.assertFalse(d.evaluate("!!document.querySelector('#problems li[data-kind=host-down]')"))

    def test_9_hostile_text_stays_text(self):
        d = self.devtools
        evil = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script><b>b</b>"
        doc = {"sessions": [{
            "host": evil, "session_id": evil, "state": "FAILED", "api_state": evil,
            "state_unknown_reason": evil, "last_error": evil, "finished": False,
            "waiting_for_end": False, "summary": {"session": {"state": evil, "initiator": evil,
                                                              "remote_host": evil},
                                                  "queues": {evil: {"items_total": 1}}},
            "account_names": [evil],
            "accounts": {"total": 2, "done": 1, "failed": 1, "with_dangerous_items": 1,
                         "remaining": 1},
            "throughput": {"accounts_per_hour": 1},
            "failed_accounts": [{"account": evil, "queue": evil, "failure": evil,
                                 "cause": evil}],
            "dangerous_accounts": [{"account": evil, "dangerous_items": 1, "texts": [evil]}],
            "slowest_accounts": [{"account": evil, "queue": evil, "seconds": 5}],
            "stalled_seconds": None}],
            "hosts": [{"name": evil, "kind": evil, "up": False, "last_poll": 1,
                       "last_error_reason": evil, "last_error_message": evil, "sessions": 1}],
            "summary": {"sessions_by_state": {evil: 1}, "accounts": {}, "hosts_down": 1}}
        updates = d.evaluate("Number(document.body.dataset.updates)")
        d.evaluate("window.fetch = () => Promise.resolve(new Response(" +
                   json.dumps(json.dumps(doc)) +
                   ", {status: 200, headers: {'Content-Type': 'application/json'}}))")
        self.wait_page(lambda: d.evaluate("Number(document.body.dataset.updates)") > updates,
                       "an update from the hostile document")
        d.evaluate("document.querySelector('tr.session button.toggle').click()")
        found = d.evaluate("""(() => ({
          injected: document.querySelectorAll('main img, main script, main b').length,
          scripts: document.scripts.length, pwned: window.pwned || null,
          shown: document.body.textContent.split('<img src=x').length - 1,
          detail: !!document.querySelector('tr.detail')}))()""")
        self.assertEqual(found["injected"], 0, found)
        self.assertEqual(found["scripts"], 1, found)
        self.assertIsNone(found["pwned"])
        self.assertTrue(found["detail"])
        self.assertGreaterEqual(found["shown"], 15, found)  # every field shows it as text


if __name__ == "__main__":
    unittest.main()
