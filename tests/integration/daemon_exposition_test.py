"""/metrics as scrapers negotiate it: gzip when Accept-Encoding allows it (not with q=0),
OpenMetrics 1.0.0 when Accept asks for it (checked by the strict OpenMetrics parser of the
Python client library), the text format 0.0.4 otherwise (checked by `promtool check
metrics`), Vary on both; and the process_* metrics, whose values must agree with /proc."""
import gzip
import os
import shutil
import subprocess
import time
import unittest

from wte_testing.harness import (Exporter, Simulator, metric, new_workdir, parse_metrics, wait_for,
                                 write_config)

PROMTOOL = "/usr/bin/promtool"
# The Debian package python3-prometheus-client, for the system's python3.
SYSTEM_PYTHON = "/usr/bin/python3"
OPENMETRICS_CHECK = """
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
families = list(text_string_to_metric_families(sys.stdin.read()))
print(len(families))
"""
OPENMETRICS = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;" \
              "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"


def require(path, package):
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} is missing: install {package} (scripts/install-deps)")


class ExpositionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = new_workdir()
        cls.t0 = time.time()
        cls.sim = Simulator(cls.work, "--hosts", "2", "--sessions-per-host", "2",
                            "--accounts", "20", "--rate", "100", "--seed", "7")
        cls.exporter = Exporter(cls.work, write_config(cls.work, cls.sim))
        # host_up appears only after a host's first poll (unknown is not down), and log
        # lines only once a log was read: the tests below look for both.
        wait_for(lambda: all(metric(cls.exporter.metrics(), name) is not None
                             for name in ("whm_transfer_session_log_lines",
                                          "whm_transfer_host_up")),
                 timeout=30, what="hosts polled and sessions read")

    @classmethod
    def tearDownClass(cls):
        cls.exporter.stop()
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def get(self, **headers):
        status, h, body = self.exporter.get("/metrics", headers=headers)
        self.assertEqual(status, 200)
        self.assertEqual(h["Vary"], "Accept, Accept-Encoding")
        return h, body

    def test_gzip_when_allowed(self):
        h, body = self.get(**{"Accept-Encoding": "gzip"})
        self.assertEqual(h["Content-Encoding"], "gzip")
        self.assertEqual(h["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
        text = gzip.decompress(body).decode()
        self.assertIn("# TYPE whm_transfer_host_up gauge", text)
        _, plain = self.get()
        self.assertLess(len(body) * 4, len(plain))
        for refused in ("gzip;q=0", "identity", "br, deflate"):
            with self.subTest(accept_encoding=refused):
                h, body = self.get(**{"Accept-Encoding": refused})
                self.assertIsNone(h["Content-Encoding"])
                self.assertTrue(body.startswith(b"# HELP "))

    def test_openmetrics_when_asked_strictly_parsed(self):
        require(SYSTEM_PYTHON, "python3")
        h, body = self.get(Accept=OPENMETRICS, **{"Accept-Encoding": "gzip"})
        self.assertEqual(h["Content-Type"],
                         "application/openmetrics-text; version=1.0.0; charset=utf-8")
        text = gzip.decompress(body).decode()
        self.assertTrue(text.endswith("\n# EOF\n"))
        self.assertNotIn("_created", text)
        self.assertIn("# TYPE whm_transfer_log_read_bytes counter\n"
                      "# UNIT whm_transfer_log_read_bytes bytes\n", text)
        r = subprocess.run([SYSTEM_PYTHON, "-c", OPENMETRICS_CHECK], input=text.encode(),
                           capture_output=True, timeout=60,
                           env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})
        if b"No module named 'prometheus_client'" in r.stderr:
            raise AssertionError("python3-prometheus-client is missing (scripts/install-deps)")
        self.assertEqual(r.returncode, 0, r.stderr.decode()[-3000:])
        self.assertGreater(int(r.stdout), 20)

    def test_text_format_is_promtool_clean_with_process_metrics(self):
        require(PROMTOOL, "prometheus")
        _, body = self.get(Accept="text/plain")
        r = subprocess.run([PROMTOOL, "check", "metrics"], input=body, capture_output=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout + r.stderr, b"")
        for name in ("process_cpu_seconds_total", "process_resident_memory_bytes",
                     "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                     "process_start_time_seconds"):
            self.assertIn(f"\n# TYPE {name} ".encode(), body)

    def test_process_metrics_agree_with_proc(self):
        pid = self.exporter.process.proc.pid
        series = self.exporter.metrics()
        value = lambda name: metric(series, name)  # noqa: E731
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        rss = int(status["VmRSS"].split()[0]) * 1024
        vsize = int(status["VmSize"].split()[0]) * 1024
        self.assertGreater(value("process_resident_memory_bytes"), rss / 2)
        self.assertLess(value("process_resident_memory_bytes"), rss * 2)
        self.assertGreater(value("process_virtual_memory_bytes"), vsize / 2)
        self.assertLess(value("process_virtual_memory_bytes"), vsize * 2)
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        self.assertLessEqual(abs(value("process_open_fds") - fds), 8)
        with open(f"/proc/{pid}/limits") as f:
            soft = [line.split()[3] for line in f if line.startswith("Max open files")][0]
        self.assertEqual(value("process_max_fds"), float(soft))
        # Started during setUpClass (start times are in clock ticks: 10 ms).
        self.assertGreaterEqual(value("process_start_time_seconds"), self.t0 - 1)
        self.assertLessEqual(value("process_start_time_seconds"), time.time())
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        self.assertLessEqual(value("process_cpu_seconds_total"), cpu + 0.5)
        self.assertGreater(value("process_cpu_seconds_total"), 0)

    def test_responses_are_counted_by_format_and_encoding(self):
        def count(fmt, encoding):
            return metric(self.exporter.metrics(), "whm_transfer_scrapes_total", format=fmt,
                          encoding=encoding)
        time.sleep(1.1)  # past the render cache (at most 1 s), so `before` is current
        before = count("openmetrics", "gzip")
        self.get(Accept=OPENMETRICS, **{"Accept-Encoding": "gzip"})
        # A body may be reused for up to 1 s: wait for a fresh one.
        wait_for(lambda: count("openmetrics", "gzip") == before + 1, timeout=10,
                 what="the OpenMetrics+gzip response counted")
        self.assertIsNotNone(count("text", "identity"))


if __name__ == "__main__":
    unittest.main()
