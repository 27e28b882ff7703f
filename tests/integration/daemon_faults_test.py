"""Each fault of the simulator, injected on one host while others run: the exporter keeps
serving, names the right reason, leaves the other hosts alone, and converges to exact counts
when the fault clears. Prints a table: fault, detected as, recovered in N polls, counts exact."""
import shutil
import time
import unittest

from harness import (Exporter, Simulator, TOKEN, engine_summary, metric, new_workdir,
                     wait_for, write_config)

# (fault, value, expected reason or "reset")
FAULTS = [
    ("http_status", "500", "http"),
    ("http_status", "502", "http"),
    ("http_status", "401", "auth"),
    ("http_status", "403", "auth"),
    ("wrong_token", None, "auth"),
    ("result0", None, "api"),
    ("invalid_json", None, "bad_response"),
    ("truncated_json", None, "bad_response"),
    ("cut_mid_body", None, "bad_response"),
    ("oversize", "3000000", "too_large"),
    ("hang", None, "timeout"),
    ("slow", "1500", "timeout"),
    ("hang_fetch_until_end", None, "timeout"),
    ("wrong_cert", None, "tls"),
    ("refuse", None, "connect"),
    ("delete_session", None, "api"),
    ("shrink_log", None, "reset"),
]

TABLE = []


class FaultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = new_workdir()
        cls.sim = Simulator(cls.work, "--hosts", "3", "--sessions-per-host", "1",
                            "--accounts", "500", "--rate", "10", "--seed", "5")
        config = write_config(cls.work, cls.sim, poll_interval="1s", timeout="1s",
                              extra="limits:\n  max_response_bytes: 2MiB")
        cls.exporter = Exporter(cls.work, config)
        wait_for(lambda: all(metric(cls.exporter.metrics(), "whm_transfer_host_up",
                                    host=h["name"]) == 1.0 for h in cls.sim.hosts),
                 what="all hosts up")

    @classmethod
    def tearDownClass(cls):
        cls.exporter.stop()
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)
        if TABLE:
            print("\n| fault | detected as | recovered in polls | counts exact |")
            print("|---|---|---|---|")
            for row in TABLE:
                print("| " + " | ".join(str(c) for c in row) + " |")

    def polls(self, host):
        return metric(self.exporter.metrics(), "whm_transfer_host_poll_duration_seconds_count",
                      host=host) or 0

    def errors(self, host, reason):
        return metric(self.exporter.metrics(), "whm_transfer_host_errors_total", host=host,
                      reason=reason) or 0

    def counts_exact(self, host):
        h = next(x for x in self.sim.hosts if x["name"] == host)
        sid = h["sessions"][0]

        def same():
            api = [s for s in self.exporter.sessions()["sessions"] if s["session_id"] == sid][0]
            log = self.sim.fetch_log(h["port"], sid)
            n = api["summary"]["session"]["lines"]
            return api["summary"] == engine_summary("".join(log.splitlines(True)[:n]))
        try:
            wait_for(same, timeout=20, interval=0.3, what="counts exact")
            return True
        except AssertionError:
            return False

    def test_each_fault_one_at_a_time(self):
        victim, other = self.sim.hosts[0]["name"], self.sim.hosts[1]["name"]
        for fault, value, reason in FAULTS:
            with self.subTest(fault=fault, value=value):
                before = self.errors(victim, reason) if reason != "reset" else metric(
                    self.exporter.metrics(), "whm_transfer_session_resets_total", host=victim)
                other_polls = self.polls(other)
                self.sim.fault(victim, fault, value)
                if reason == "reset":
                    wait_for(lambda: metric(self.exporter.metrics(),
                                            "whm_transfer_session_resets_total",
                                            host=victim) > before, timeout=20,
                             what=f"{fault} seen as a reset")
                else:
                    wait_for(lambda: self.errors(victim, reason) > before, timeout=20,
                             what=f"{fault} seen as {reason}")
                    series = self.exporter.metrics()
                    self.assertEqual(metric(series, "whm_transfer_host_up", host=victim), 0.0)
                # The other host kept polling, and is up.
                wait_for(lambda: self.polls(other) > other_polls, timeout=10,
                         what="the other host still polled")
                self.assertEqual(metric(self.exporter.metrics(), "whm_transfer_host_up",
                                        host=other), 1.0)
                self.assertEqual(self.exporter.get("/metrics")[0], 200)
                self.sim.clear_faults()
                cleared_at = self.polls(victim)
                wait_for(lambda: metric(self.exporter.metrics(), "whm_transfer_host_up",
                                        host=victim) == 1.0, timeout=60,
                         what=f"{victim} up again after {fault}")
                recovered = int(self.polls(victim) - cleared_at)
                exact = self.counts_exact(victim)
                TABLE.append((f"{fault}={value}" if value else fault, reason, recovered,
                              "yes" if exact else "NO"))
                self.assertTrue(exact, f"counts not exact after {fault}")

    def test_the_token_appears_nowhere(self):
        self.assertNotIn(TOKEN, self.exporter.process.output())
        for path in ("/", "/metrics", "/api/v1/sessions"):
            self.assertNotIn(TOKEN, self.exporter.get(path)[2].decode("utf-8", "replace"))


if __name__ == "__main__":
    unittest.main()
