"""End to end in a real browser: whm-sim's demo story -> the exporter -> its landing page in
headless Chromium, driven over the DevTools protocol (e2e_cdp.py). The page must load without
a console error or an uncaught exception, its sessions table must show, for every session and
queue, the numbers of /api/v1/sessions, and a screenshot goes to
$WTE_BINARY_DIR/landing-page.png for a human to look at."""
import base64
import os
import shutil
import sys
import time
import unittest

from e2e_cdp import CHROMIUM, Chromium
from e2e_common import (dangerous_items, demo_simulator, failed_items, require_tool,
                        wait_all_finished)
from harness import BINARY_DIR, Exporter, new_workdir, write_config

SCREENSHOT = os.path.join(BINARY_DIR, "landing-page.png")
# The per-queue cells of the sessions table: data-field -> the summary.queues field.
QUEUE_FIELDS = ("items_finished", "items_total", "items_succeeded", "items_failed",
                "dangerous_items", "bytes_finished", "bytes_total")
# Cells whose text is the plain number (the bytes cells show "1.2 MiB").
PLAIN_NUMBERS = {"items_finished", "items_total", "items_succeeded", "items_failed",
                 "dangerous_items"}

# Every element that locates a number, as plain objects; the item tables' cells (rows with
# data-item) are told apart from the sessions table's by `item`.
READ_CELLS = """
[...document.querySelectorAll('[data-field]')].map(e => ({
  host: e.dataset.host || null, session: e.dataset.session || null,
  queue: e.dataset.queue || null, field: e.dataset.field, value: e.dataset.value,
  item: (e.closest('tr[data-item]') || {dataset: {}}).dataset.item || null,
  table: (e.closest('section') || {}).id || null,
  text: e.textContent.trim(), visible: e.getClientRects().length > 0}))
"""


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


class BrowserEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool(CHROMIUM)
        cls.started = time.monotonic()
        cls.work = new_workdir()
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.sim = demo_simulator(cls.work)
        cls.addClassCleanup(cls.sim.stop)
        cls.exporter = Exporter(cls.work, write_config(cls.work, cls.sim, poll_interval="1s"))
        cls.addClassCleanup(cls.exporter.stop)
        cls.browser = Chromium(cls.work)
        cls.addClassCleanup(cls.browser.stop)
        # Final numbers, so the page and the API (read at different moments) must agree.
        cls.api = wait_all_finished(cls.exporter, 6)
        cls.devtools = cls.browser.page()
        cls.addClassCleanup(cls.devtools.close)
        for domain in ("Page", "Runtime", "Log"):
            cls.devtools.call(f"{domain}.enable")
        nav = cls.devtools.call("Page.navigate", url=cls.exporter.url("/"))
        if nav.get("errorText"):
            raise AssertionError(f"navigation failed: {nav['errorText']}")
        cls.devtools.wait_event("Page.loadEventFired")
        cls.cells = cls.read_cells()

    @classmethod
    def read_cells(cls):
        # The page refreshes itself every 5 s: an evaluation caught by a reload is retried.
        for attempt in range(3):
            try:
                cells = cls.devtools.evaluate(READ_CELLS)
                if cells:
                    return cells
            except (AssertionError, RuntimeError):
                if attempt == 2:
                    raise
            time.sleep(0.5)
        return []

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.__name__}: {time.monotonic() - cls.started:.1f} s", file=sys.stderr)

    def test_1_page_renders_without_errors(self):
        d = self.devtools
        self.assertEqual(d.evaluate("document.title"), "whm_transfer_exporter")
        self.assertEqual(d.evaluate("document.compatMode"), "CSS1Compat")  # no quirks mode
        for section in ("hosts", "sessions", "failed-items", "dangerous-items"):
            self.assertTrue(d.evaluate(f"!!document.getElementById('{section}') && "
                                       f"document.getElementById('{section}').offsetHeight > 0"),
                            section)
        time.sleep(0.5)  # late console messages (none expected) still arrive
        d.evaluate("1")  # drains the events received meanwhile
        errors = page_errors(d.events)
        self.assertEqual(errors, [], "\n".join(errors))

    def test_2_sessions_table_equals_the_api(self):
        shown = {}
        for c in self.cells:
            if c["table"] == "sessions" and c["queue"] and c["field"] in QUEUE_FIELDS:
                key = (c["host"], c["session"], c["queue"], c["field"])
                self.assertNotIn(key, shown, "a number shown twice")
                self.assertTrue(c["visible"], c)
                shown[key] = c
        want = {}
        for s in self.api["sessions"]:
            for q, counts in s["summary"]["queues"].items():
                for f in QUEUE_FIELDS:
                    v = counts[f]
                    want[(s["host"], s["session_id"], q, f)] = "" if v is None else str(v)
        self.assertEqual(len(want), 6 * 2 * len(QUEUE_FIELDS))  # six sessions, two queues
        self.assertEqual({k: c["value"] for k, c in shown.items()}, want)
        for key, c in shown.items():  # what a human reads is the same number
            if c["field"] in PLAIN_NUMBERS:
                self.assertEqual(c["text"].replace(",", ""), c["value"], key)

    def test_3_session_states_equal_the_api(self):
        states = {(c["host"], c["session"]): c["value"] for c in self.cells
                  if c["table"] == "sessions" and c["field"] == "state"}
        self.assertEqual(states, {(s["host"], s["session_id"]): s["state"]
                                  for s in self.api["sessions"]})

    def test_4_failed_and_dangerous_items_listed(self):
        rows = self.devtools.evaluate(
            "[...document.querySelectorAll('tr[data-item]')].map(r => [r.closest('section').id,"
            " r.dataset.host, r.dataset.session, r.dataset.queue, r.dataset.item])")
        listed = {}
        for section, *key in rows:
            listed.setdefault(section, set()).add(tuple(key))
        self.assertEqual(listed.get("failed-items", set()), failed_items(self.api))
        # The dangerous table also lists items with only altered items.
        self.assertLessEqual(dangerous_items(self.api), listed.get("dangerous-items", set()))
        self.assertTrue(dangerous_items(self.api))

    def test_5_screenshot(self):
        d = self.devtools
        size = d.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = d.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": size["width"],
                            "height": min(size["height"], 4000), "scale": 1})
        png = base64.b64decode(shot["data"])
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertGreater(len(png), 10_000)  # a rendered page, not a blank one
        with open(SCREENSHOT, "wb") as f:
            f.write(png)


if __name__ == "__main__":
    unittest.main()
