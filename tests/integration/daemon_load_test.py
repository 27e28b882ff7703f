"""Scrape load: wrk with 64 connections on /metrics while the daemon polls 100 simulated hosts.
Correctness only (no timing is asserted): no socket errors, no failed answers, polling went
on meanwhile, and the daemon still serves afterwards. Generous timeouts: CI runs it under
ASan too."""
import shutil
import subprocess
import unittest

from wte_testing.e2e import require_tool
from wte_testing.harness import (Exporter, Simulator, metric, new_workdir, parse_wrk, scaled,
                                 wait_for, wrk_command, write_config)

HOSTS = 100


def polls(series):
    return sum(v for (name, _), v in series.items()
               if name == "whm_transfer_host_poll_duration_seconds_count")


class LoadTest(unittest.TestCase):
    def setUp(self):
        self.wrk = require_tool(shutil.which("wrk") or "/usr/bin/wrk")
        self.work = new_workdir()
        # Half a line a second: every session keeps running (and being polled) through the test.
        self.sim = Simulator(self.work, "--hosts", str(HOSTS), "--sessions-per-host", "2",
                             "--accounts", "8", "--rate", "0.5", "--seed", "5")
        config = write_config(self.work, self.sim, poll_interval="2s", timeout="10s")
        with open(config) as f:
            text = f.read().replace("log_level: debug", "log_level: info")
        with open(config, "w") as f:
            f.write(text)
        self.exporter = Exporter(self.work, config)

    def tearDown(self):
        self.exporter.stop()
        self.sim.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def all_polled(self):
        series = self.exporter.metrics()
        done = [v for (name, _), v in series.items()
                if name == "whm_transfer_host_poll_duration_seconds_count" and v >= 1]
        return series if len(done) == HOSTS else None

    def test_scrapes_under_load_while_polling(self):
        before = wait_for(self.all_polled, timeout=40, interval=0.5, what="every host polled")
        cmd = wrk_command(self.exporter.url("/metrics"), threads=2, connections=64,
                          duration="10s", timeout="30s")
        cmd[0] = self.wrk
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(90))
        self.assertEqual(run.returncode, 0, run.stderr)
        report = parse_wrk(run.stdout)
        self.assertGreater(report["requests"], 0, run.stdout)
        self.assertEqual(report["socket_errors"],
                         {"connect": 0, "read": 0, "write": 0, "timeout": 0}, run.stdout)
        self.assertEqual(report["non_2xx_3xx"], 0, run.stdout)
        self.assertTrue(self.exporter.process.alive(), self.exporter.process.output())
        # Still serving once the scrapes wrk left queued are answered (slow under ASan), and
        # polling went on while wrk ran.
        wait_for(lambda: self.exporter.get("/-/healthy")[0] == 200, timeout=90, interval=0.5,
                 what="/-/healthy after the load")
        after = wait_for(self.exporter.metrics, timeout=60, what="/metrics after the load")
        self.assertGreater(polls(after), polls(before))
        self.assertEqual(metric(after, "whm_transfer_host_up", host="sim0"), 1)


if __name__ == "__main__":
    unittest.main()
