"""The exporter against the simulator: counts on /metrics and /api/v1/sessions equal the
engine's summary of the same logs, during and after the sessions; promtool accepts a scrape."""
import json
import shutil
import subprocess
import time
import unittest

from wte_testing.harness import (EXPORTER, summary_of_read, Exporter, Simulator, TOKEN,
                                 engine_summary, metric, new_workdir, wait_for, write_config)

QUEUE_FIELDS = {
    "items_total": "whm_transfer_queue_items",
    "bytes_total": "whm_transfer_queue_size_bytes",
    "items_started": "whm_transfer_queue_items_started",
    "items_finished": "whm_transfer_queue_items_finished",
    "items_succeeded": "whm_transfer_queue_items_succeeded",
    "items_with_warnings": "whm_transfer_queue_items_with_warnings",
    "items_failed": "whm_transfer_queue_items_failed",
    "bytes_finished": "whm_transfer_queue_finished_bytes",
    "warnings": "whm_transfer_queue_warnings",
    "dangerous_items": "whm_transfer_queue_dangerous_items",
    "skipped_items": "whm_transfer_queue_skipped_items",
    "altered_items": "whm_transfer_queue_altered_items",
    "child_failures": "whm_transfer_queue_child_failures",
}


class CountsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = new_workdir()
        cls.sim = Simulator(cls.work, "--hosts", "2", "--sessions-per-host", "2",
                            "--accounts", "12", "--rate", "40", "--style", "mixed", "--seed", "3")
        cls.exporter = Exporter(cls.work, write_config(cls.work, cls.sim, poll_interval="1s"))

    @classmethod
    def tearDownClass(cls):
        cls.exporter.stop()
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def assert_counts_match(self, require_final):
        """Every session: the exporter's summary equals the engine's summary of the log the
        simulator serves now (retried until a poll has caught up)."""
        def matched():
            api = {(s["host"], s["session_id"]): s for s in self.exporter.sessions()["sessions"]}
            series = self.exporter.metrics()
            for h in self.sim.hosts:
                for sid in h["sessions"]:
                    want = engine_summary(self.sim.fetch_log(h["port"], sid))
                    got = api.get((h["name"], sid))
                    if got is None or got["summary"] != want:
                        return False
                    if require_final and not got["finished"]:
                        return False
                    for q, counts in want["queues"].items():
                        for field, name in QUEUE_FIELDS.items():
                            value = metric(series, name, host=h["name"], session=sid, queue=q)
                            if counts[field] is None:
                                if value is not None:
                                    return False
                            elif value != counts[field]:
                                return False
            return True
        wait_for(matched, timeout=60, interval=0.3, what="exporter counts equal the engine's")

    def test_1_counts_during_the_sessions(self):
        """While logs grow, what the exporter shows is exactly the engine's summary of the
        first N lines of the log, N being the lines it has read so far."""
        wait_for(lambda: all(s["summary"]["session"]["lines"] > 5 and
                             s["summary"]["session"]["state"] == "RUNNING"
                             for s in self.exporter.sessions()["sessions"]),
                 timeout=30, what="every session running")
        checked = 0
        for s in self.exporter.sessions()["sessions"]:
            port = next(h["port"] for h in self.sim.hosts if h["name"] == s["host"])
            log = self.sim.fetch_log(port, s["session_id"])  # at least as long as what was read
            self.assertEqual(s["summary"], summary_of_read(log, s["summary"]), s["session_id"])
            checked += 1
        self.assertEqual(checked, 4)

    def test_2_counts_after_the_sessions(self):
        self.sim.advance()  # release every remaining line now
        self.assert_counts_match(require_final=True)
        series = self.exporter.metrics()
        for h in self.sim.hosts:
            self.assertEqual(metric(series, "whm_transfer_host_up", host=h["name"]), 1.0)
            for sid in h["sessions"]:
                self.assertEqual(metric(series, "whm_transfer_session_state", host=h["name"],
                                        session=sid, state="COMPLETED"), 1.0)
                self.assertEqual(metric(series, "whm_transfer_session_state", host=h["name"],
                                        session=sid, state="RUNNING"), 0.0)

    def test_2b_accounts_after_the_sessions(self):
        """Accounts as the unit: the API's and /metrics' account counts and failed accounts
        equal `progress --json`'s for the same log."""
        self.sim.advance()
        self.assert_counts_match(require_final=True)
        api = {(s["host"], s["session_id"]): s for s in self.exporter.sessions()["sessions"]}
        series = self.exporter.metrics()
        failed = 0
        for h in self.sim.hosts:
            for sid in h["sessions"]:
                r = subprocess.run([EXPORTER, "progress", "--json", "-"], capture_output=True,
                                   input=self.sim.fetch_log(h["port"], sid).encode(), timeout=30)
                want = json.loads(r.stdout)
                got = api[(h["name"], sid)]
                self.assertEqual(got["accounts"], want["accounts"], sid)
                self.assertEqual(got["failed_accounts"], want["failed_accounts"], sid)
                self.assertEqual(got["dangerous_accounts"], want["dangerous_accounts"], sid)
                labels = {"host": h["name"], "session": sid}
                for field in ("done", "failed", "with_dangerous_items", "remaining"):
                    name = "whm_transfer_session_accounts_" + field
                    self.assertEqual(metric(series, name, **labels), want["accounts"][field], name)
                self.assertEqual(metric(series, "whm_transfer_session_accounts", **labels),
                                 want["accounts"]["total"])
                for a in want["failed_accounts"]:
                    self.assertEqual(metric(series, "whm_transfer_account_failed", account=a["account"],
                                            **labels), 1.0)
                failed += len(want["failed_accounts"])
                self.assertIsNone(got["stalled_seconds"])  # finished: never stalled
        self.assertGreater(failed, 0)  # the simulated sessions had failures to check

    def test_3_promtool_accepts_a_real_scrape(self):
        status, headers, body = self.exporter.get("/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        r = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_4_landing_page_and_health(self):
        status, headers, body = self.exporter.get("/")
        self.assertEqual(status, 200)
        page = body.decode()
        self.assertIn("/metrics", page)
        for h in self.sim.hosts:
            for sid in h["sessions"]:
                self.assertIn(sid, page)
        self.assertEqual(self.exporter.get("/-/healthy")[0], 200)
        self.assertEqual(self.exporter.get("/-/ready")[0], 200)

    def test_5_the_token_appears_nowhere(self):
        outputs = [self.exporter.get(p)[2].decode("utf-8", "replace")
                   for p in ("/", "/metrics", "/api/v1/sessions")]
        outputs.append(self.exporter.process.output())
        for text in outputs:
            self.assertNotIn(TOKEN, text)


if __name__ == "__main__":
    unittest.main()
