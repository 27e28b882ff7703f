"""Each fault of the simulator, injected on one host while others run, then several at once
on different hosts: the exporter keeps serving, names the right reason, leaves the other hosts
alone, and converges to exact counts when the faults clear. Prints a table: fault, detected
as, recovered in N polls, counts exact."""
import shutil
import time
import unittest

from wte_testing.harness import (Exporter, Simulator, TOKEN, counts_exact, metric, new_workdir,
                                 scaled, time_scale, wait_for, write_config)

# The request timeout: 1 s, stretched on a slow build or a loaded machine (at most 4 s) so
# that the answer delayed by 500 ms stays well under it, and the one delayed by 1.5 times
# the timeout stays well over it.
SCALE = min(time_scale(), 4.0)
TIMEOUT_MS = int(1000 * SCALE)
OVER_TIMEOUT_MS = str(int(1500 * SCALE))
# The largest poll-duration bucket (lib/metrics/exporter_metrics.hpp) under the timeout: a
# poll that waited behind a hung request took the timeout and falls outside it.
UNDER_TIMEOUT_LE = str(max(b for b in (1, 2.5) if b <= max(SCALE, 1)))

# (fault, value, expected reason, "reset" (read again from byte 0) or "none" (no error))
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
    ("slow", OVER_TIMEOUT_MS, "timeout"),
    ("slow", "500", "none"),  # under the deadline: slow is not broken
    # master.log held until the session ends, .master.log refused: waiting, not an error.
    ("hang_fetch_until_end", None, "waiting"),
    ("wrong_cert", None, "tls"),
    ("refuse", None, "connect"),
    ("delete_session", None, "api"),
    ("shrink_log", None, "reset"),
    ("replace_log", "HOST2_SESSION", "reset"),  # another session's log under this id
]
SHOWN = {"none": "none (under deadline)",
         "waiting": "waiting for the end (no error, `up` stays 1, one held request)"}

TABLE = []

# Several faults at once, one per host; the last host stays healthy (the control).
TOGETHER = [
    ("hang", None, "timeout"),
    ("http_status", "500", "http"),
    ("wrong_cert", None, "tls"),
    ("truncated_json", None, "bad_response"),
    ("shrink_log", None, "reset"),
]


class FaultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = new_workdir()
        cls.sim = Simulator(cls.work, "--hosts", str(len(TOGETHER) + 1), "--sessions-per-host",
                            "1", "--accounts", "500", "--rate", "10", "--seed", "5")
        config = write_config(cls.work, cls.sim, poll_interval="1s", timeout=f"{TIMEOUT_MS}ms",
                              extra="limits:\n  max_response_bytes: 2MiB")
        cls.exporter = Exporter(cls.work, config)
        cls.all_up()

    @classmethod
    def all_up(cls):
        wait_for(lambda: all(metric(cls.exporter.metrics(), "whm_transfer_host_up",
                                    host=h["name"]) == 1.0 for h in cls.sim.hosts),
                 timeout=60, what="all hosts up")

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

    def tearDown(self):
        self.sim.clear_faults()  # a failed test must not leave its faults to the next one

    def polls(self, host):
        return metric(self.exporter.metrics(), "whm_transfer_host_poll_duration_seconds_count",
                      host=host) or 0

    def poll_stats(self, host):
        """(polls, seconds spent polling) of the host, from one scrape."""
        series = self.exporter.metrics()
        return (metric(series, "whm_transfer_host_poll_duration_seconds_count", host=host),
                metric(series, "whm_transfer_host_poll_duration_seconds_sum", host=host))

    def errors(self, host, reason=None):
        """Errors of one reason, or of all reasons."""
        by = self.errors_by_reason(host)
        return by.get(reason, 0) if reason else sum(by.values())

    def errors_by_reason(self, host):
        return {dict(ls)["reason"]: v for (n, ls), v in self.exporter.metrics().items()
                if n == "whm_transfer_host_errors_total" and ("host", host) in ls}

    def resets(self, host):
        return metric(self.exporter.metrics(), "whm_transfer_session_resets_total", host=host)

    def up(self, host):
        return metric(self.exporter.metrics(), "whm_transfer_host_up", host=host)

    def counts_exact(self, host):
        h = next(x for x in self.sim.hosts if x["name"] == host)
        return counts_exact(self.exporter, self.sim, host, h["sessions"][0])

    def inject(self, host, fault, value):
        if value == "HOST2_SESSION":  # a session of another host, present on the simulator
            value = self.sim.hosts[2]["sessions"][0]
        self.sim.fault(host, fault, value)

    def wait_detected(self, host, fault, reason, before):
        if reason == "reset":
            wait_for(lambda: self.resets(host) > before, timeout=20,
                     what=f"{fault} on {host} seen as a reset")
        elif reason == "none":
            # Three polls, each slowed by the delay (but the first, maybe begun before the
            # fault), and no error.
            polls, seconds = self.poll_stats(host)
            wait_for(lambda: self.poll_stats(host)[0] >= polls + 3, timeout=30,
                     what=f"{host} polled while {fault}")
            polls_after, seconds_after = self.poll_stats(host)
            self.assertGreaterEqual(seconds_after - seconds, (polls_after - polls - 1) * 0.5,
                                    "the delay was applied")
            self.assertEqual(self.errors(host), before, f"{fault} counted as an error")
            self.assertEqual(self.up(host), 1.0)
        elif reason == "waiting":
            # One master.log request held by the server; the host is polled, up, and counts
            # no error, however many polls pass.
            wait_for(lambda: metric(self.exporter.metrics(),
                                    "whm_transfer_session_log_waiting_for_end", host=host) == 1.0,
                     timeout=30, what=f"{host} waiting for the end")
            polls = self.polls(host)
            wait_for(lambda: self.polls(host) >= polls + 3, timeout=30,
                     what=f"{host} polled while waiting")
            self.assertEqual(self.errors(host), before, f"{fault} counted as an error")
            self.assertEqual(self.up(host), 1.0)
            for s in self.sim.control("GET", "/state")["hosts"][0]["sessions"]:
                self.assertLessEqual(s["max_held_log_requests"], 1)
        else:
            wait_for(lambda: self.errors(host, reason) > before, timeout=20,
                     what=f"{fault} on {host} seen as {reason}")
            self.assertEqual(self.up(host), 0.0)

    def before(self, host, reason):
        if reason == "reset":
            return self.resets(host)
        return self.errors(host, None if reason in ("none", "waiting") else reason)

    def test_each_fault_one_at_a_time(self):
        victim, other = self.sim.hosts[0]["name"], self.sim.hosts[1]["name"]
        for fault, value, reason in FAULTS:
            with self.subTest(fault=fault, value=value):
                before = self.before(victim, reason)
                other_polls = self.polls(other)
                self.inject(victim, fault, value)
                self.wait_detected(victim, fault, reason, before)
                # The other host kept polling, and is up.
                wait_for(lambda: self.polls(other) > other_polls, timeout=10,
                         what="the other host still polled")
                self.assertEqual(self.up(other), 1.0)
                self.assertEqual(self.exporter.get("/metrics")[0], 200)
                self.sim.clear_faults()
                cleared_at = self.polls(victim)
                wait_for(lambda: self.up(victim) == 1.0, timeout=60,
                         what=f"{victim} up again after {fault}")
                recovered = int(self.polls(victim) - cleared_at)
                exact = self.counts_exact(victim)
                name = f"{fault}={value}" if value else fault
                TABLE.append((name.replace("HOST2_SESSION", "<a session of another host>"),
                              SHOWN.get(reason, reason), recovered, "yes" if exact else "NO"))
                self.assertTrue(exact, f"counts not exact after {fault}")

    def polls_and_within(self, host, le):
        """Polls of `host`, and those that took at most `le` seconds, from one scrape."""
        series = self.exporter.metrics()
        name = "whm_transfer_host_poll_duration_seconds"
        return (metric(series, name + "_count", host=host) or 0,
                metric(series, name + "_bucket", host=host, le=le) or 0)

    def test_faults_together(self):
        hosts = [h["name"] for h in self.sim.hosts]
        faulty, healthy = hosts[:len(TOGETHER)], hosts[len(TOGETHER)]
        self.all_up()  # after the previous test's faults
        before = {h: self.before(h, reason) for h, (_, _, reason) in zip(faulty, TOGETHER)}
        by_reason = {h: self.errors_by_reason(h) for h in hosts}
        healthy_polls = self.polls(healthy)
        polls_before, fast_before = self.polls_and_within(healthy, UNDER_TIMEOUT_LE)
        for h, (fault, value, _) in zip(faulty, TOGETHER):
            self.inject(h, fault, value)
        for h, (fault, value, reason) in zip(faulty, TOGETHER):
            self.wait_detected(h, fault, reason, before[h])
        # While they all last: /metrics answers at once (it never waits on a WHM request),
        # every faulty host still names its own reason, and the control host is polled, up,
        # and exact.
        for _ in range(5):
            start = time.monotonic()
            status, _, _ = self.exporter.get("/metrics")
            self.assertEqual(status, 200)
            self.assertLess(time.monotonic() - start, scaled(1.0), "/metrics slowed by the faults")
            time.sleep(0.2)
        for h, (fault, _, reason) in zip(faulty, TOGETHER):
            self.assertEqual(self.up(h), 1.0 if reason == "reset" else 0.0, fault)
            grew = {r for r, n in self.errors_by_reason(h).items() if n > by_reason[h][r]}
            self.assertEqual(grew, set() if reason == "reset" else {reason}, fault)
        wait_for(lambda: self.polls(healthy) >= healthy_polls + 3, timeout=30,
                 what="the healthy host still polled")
        self.assertEqual(self.up(healthy), 1.0)
        self.assertEqual(self.errors_by_reason(healthy), by_reason[healthy])
        # Its poll latency is unaffected: none of its polls took the request timeout, as one
        # would if it waited behind a hung host's request.
        polls_after, fast_after = self.polls_and_within(healthy, UNDER_TIMEOUT_LE)
        self.assertEqual(polls_after - polls_before, fast_after - fast_before,
                         "a poll of the healthy host waited as long as the timeout")
        self.assertTrue(self.counts_exact(healthy), "the healthy host's counts while faults")

        self.sim.clear_faults()
        cleared_at = {h: self.polls(h) for h in faulty}
        recovered = {}  # host: polls from the clearing to its first up 1

        def all_recovered():
            series = self.exporter.metrics()
            for h in faulty:
                if h not in recovered and metric(series, "whm_transfer_host_up", host=h) == 1:
                    recovered[h] = int(metric(series, "whm_transfer_host_poll_duration_seconds"
                                              "_count", host=h) - cleared_at[h])
            return len(recovered) == len(faulty)
        wait_for(all_recovered, timeout=60, what="every host up again")
        for h, (fault, value, reason) in zip(faulty, TOGETHER):
            exact = self.counts_exact(h)
            name = f"{fault}={value}" if value else fault
            TABLE.append((f"together: {name}", reason, recovered[h], "yes" if exact else "NO"))
            self.assertTrue(exact, f"counts not exact after {fault} (together)")
        exact = self.counts_exact(healthy)
        TABLE.append(("together: (control host, no fault)", "none", 0, "yes" if exact else "NO"))
        self.assertTrue(exact)

    def test_the_token_appears_nowhere(self):
        self.assertNotIn(TOKEN, self.exporter.process.output())
        for path in ("/", "/metrics", "/api/v1/sessions"):
            self.assertNotIn(TOKEN, self.exporter.get(path)[2].decode("utf-8", "replace"))


if __name__ == "__main__":
    unittest.main()
