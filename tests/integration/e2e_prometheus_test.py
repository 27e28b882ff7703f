"""End to end with a real Prometheus: whm-sim's demo story (one failed account, one with
dangerous items) -> the exporter -> Prometheus scraping it every second with the shipped alert
rules (`for:` shortened to 0s in a copy) -> the alerts fire with the right labels, every rule
evaluates cleanly, and every PromQL expression of the Grafana dashboard runs and returns data.

Prometheus cannot listen on port 0 and say which port it got, so it gets a port that was free
a moment ago (retried if someone takes it in between), on 127.0.0.1 only."""
import json
import os
import re
import shutil
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from e2e_common import (REPO, dangerous_items, demo_simulator, failed_items, free_port,
                        require_tool)
from harness import Exporter, Process, Simulator, new_workdir, wait_for, write_config

sys.path.insert(0, os.path.join(REPO, "tests", "ops"))
import dashboard_queries  # noqa: E402  (tests/ops, not a package)

PROMETHEUS = "/usr/bin/prometheus"
JOB = "whm_transfer_exporter"  # the job name config/prometheus/scrape.yml and the rules assume
DASHBOARD = os.path.join(REPO, "config", "grafana", "whm-transfers.json")
ALERTS = os.path.join(REPO, "config", "prometheus", "alerts.yml")
# Grafana's built-in variables, fixed for a Prometheus that has only seconds of data.
BUILTINS = {"__rate_interval": "1m", "__interval": "15s", "__range": "5m"}
# Expressions allowed to return no series after a healthy demo run, with the reason. Every
# other dashboard expression must return at least one series.
MAY_BE_EMPTY = {
    # (none: a seventh, never-ending session on host "live0" keeps the panels about running
    # sessions fed)
}


def shortened_rules(text):
    """The rules with every `for:` set to 0s, so alerts fire at their first evaluation."""
    out, n = re.subn(r"(?m)^(\s*for:\s*)\S+\s*$", r"\g<1>0s", text)
    if n == 0:
        raise AssertionError("no `for:` found in alerts.yml: the substitution is out of date")
    return out


def prometheus_config(workdir, exporter_port):
    rules = os.path.join(workdir, "alerts.yml")
    with open(ALERTS, encoding="utf-8") as f:
        text = shortened_rules(f.read())
    with open(rules, "w", encoding="utf-8") as f:
        f.write(text)
    path = os.path.join(workdir, "prometheus.yml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: [{json.dumps(rules)}]
scrape_configs:
  - job_name: {JOB}
    static_configs:
      - targets: ["127.0.0.1:{exporter_port}"]
""")
    return path


class Prometheus:
    """A Prometheus server on 127.0.0.1 with its TSDB in the work directory."""

    def __init__(self, workdir, config):
        for attempt in range(5):
            self.port = free_port()
            self.process = Process(
                [PROMETHEUS, f"--config.file={config}",
                 f"--storage.tsdb.path={os.path.join(workdir, f'tsdb{attempt}')}",
                 f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=info"],
                f"prometheus{attempt}", workdir)
            if self._wait_ready(timeout=30):
                return
            output = self.process.output()
            self.process.stop()
            if "address already in use" not in output:
                raise AssertionError("Prometheus did not start:\n" + output[-4000:])
        raise AssertionError("Prometheus found no free port in 5 attempts")

    def _wait_ready(self, timeout):
        """True once /-/ready answers 200; False if Prometheus exits or the time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.alive():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready",
                                            timeout=2) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        return False

    def api(self, path, **params):
        """The `data` of a successful API answer; an AssertionError with Prometheus' error
        otherwise (a 400 for a PromQL parse error says which)."""
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                body = json.loads(r.read())
        except urllib.error.HTTPError as e:
            body = json.loads(e.read() or b"{}")
        if body.get("status") != "success":
            raise AssertionError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def query(self, expr):
        data = self.api("query", query=expr)
        return data["resultType"], data["result"]

    def stop(self):
        return self.process.stop()


def alert_key(alert):
    ls = alert["labels"]
    return (ls.get("host"), ls.get("session"), ls.get("queue"), ls.get("item"))


LIVE_HOST = "live0"


def live_simulator(work):
    """A second simulator whose one session never ends: the first lines of the 2014 fixture
    (no failure, no dangerous item), then RUNNING for ever."""
    d = os.path.join(work, "live")
    os.makedirs(d)
    fixture = os.path.join(REPO, "tests", "data", "logs", "seed-2014-three-accounts.log")
    with open(fixture, encoding="utf-8") as f:
        head = f.readlines()[:14]
    log = os.path.join(d, "live.log")
    with open(log, "w", encoding="utf-8") as f:
        f.writelines(head)
    return Simulator(d, "--hosts", "1", "--sessions-per-host", "1", "--log", log,
                     "--rate", "50", "--end-state", "RUNNING")


def live_host_config(live):
    h = live.hosts[0]
    return (f"  - name: {LIVE_HOST}\n"
            f"    url: https://localhost:{h['port']}\n"
            f"    token_file: {live.token_file}\n"
            f"    ca_file: {live.ca_file}\n"
            f"    timeout: 2s\n"
            f"    sessions: [{', '.join(h['sessions'])}]\n")


def wait_demo_finished(exporter, timeout=60):
    """/api/v1/sessions once the six demo sessions have ended and the live one is running."""
    def done():
        api = exporter.sessions()
        demo = [s for s in api["sessions"] if s["host"] != LIVE_HOST]
        live = [s for s in api["sessions"] if s["host"] == LIVE_HOST]
        ok = (len(demo) == 6 and all(s["finished"] for s in demo) and len(live) == 1
              and live[0]["state"] == "RUNNING" and live[0]["summary"]["session"]["lines"] > 0)
        return api if ok else None
    return wait_for(done, timeout=timeout, interval=0.3, what="demo finished, live running")


class PrometheusEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool(PROMETHEUS)
        cls.started = time.monotonic()
        cls.work = new_workdir()
        # Cleanups run in reverse, also when setUpClass fails half-way.
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        cls.sim = demo_simulator(cls.work)
        cls.addClassCleanup(cls.sim.stop)
        cls.live = live_simulator(cls.work)
        cls.addClassCleanup(cls.live.stop)
        config = write_config(cls.work, cls.sim, poll_interval="1s")
        with open(config, "a", encoding="utf-8") as f:
            f.write(live_host_config(cls.live))
        cls.exporter = Exporter(cls.work, config)
        cls.addClassCleanup(cls.exporter.stop)
        cls.prometheus = Prometheus(cls.work, prometheus_config(cls.work, cls.exporter.port))
        cls.addClassCleanup(cls.prometheus.stop)
        cls.api = wait_demo_finished(cls.exporter)
        wait_for(lambda: cls.prometheus.query(f'up{{job="{JOB}"}} == 1')[1], timeout=30,
                 interval=0.5, what="Prometheus scraping the exporter")

    def test_1_the_demo_story_is_there(self):
        """The premise of the alert tests: exactly one failed and one dangerous item."""
        self.assertEqual(len(failed_items(self.api)), 1, failed_items(self.api))
        self.assertEqual(len(dangerous_items(self.api)), 1, dangerous_items(self.api))

    def firing(self, name):
        return [a for a in self.prometheus.api("alerts")["alerts"]
                if a["labels"]["alertname"] == name and a["state"] == "firing"]

    def wait_firing(self, name, want):
        """The firing alerts `name` once their (host, session, queue, item) are `want`."""
        def matched():
            alerts = self.firing(name)
            return alerts if {alert_key(a) for a in alerts} == want else None
        try:
            return wait_for(matched, timeout=30, interval=0.5, what=f"{name} firing")
        except AssertionError:
            self.fail(f"{name}: want {want}, firing {[a['labels'] for a in self.firing(name)]}")

    def test_2_items_failed_fires_for_the_failed_item(self):
        want = failed_items(self.api)
        alerts = self.wait_firing("WhmTransferItemsFailed", want)
        items = {(s["host"], s["session_id"], i["queue"], i["item"]): i
                 for s in self.api["sessions"] for i in s["summary"]["items"]}
        for a in alerts:
            ls = a["labels"]
            item = items[alert_key(a)]
            self.assertEqual(ls["severity"], "warning")
            self.assertEqual(ls["job"], JOB)
            # The label: the failure text's first 200 bytes, control characters as spaces.
            text = re.sub(r"[\x00-\x1f\x7f]", " ", item["failure"])
            self.assertTrue(ls["failure"], ls)
            self.assertTrue(text.startswith(ls["failure"]), (ls, item["failure"]))
            if len(text.encode()) <= 200:
                self.assertEqual(ls["failure"], text)
            description = a["annotations"]["description"]
            for v in (ls["item"], ls["queue"], ls["session"], ls["host"]):
                self.assertIn(v, description)

    def test_3_dangerous_items_fires_for_the_dangerous_item(self):
        want = dangerous_items(self.api)
        alerts = self.wait_firing("WhmTransferDangerousItems", want)
        counts = {(s["host"], s["session_id"], i["queue"], i["item"]): i["dangerous_items"]
                  for s in self.api["sessions"] for i in s["summary"]["items"]}
        for a in alerts:
            self.assertEqual(a["labels"]["severity"], "warning")
            self.assertEqual(float(a["value"]), counts[alert_key(a)])
            self.assertIn(a["labels"]["item"], a["annotations"]["description"])

    def test_4_no_other_alert_and_every_rule_healthy(self):
        """A healthy run fires nothing else, even with every `for:` at 0s, and every rule
        of the shipped file has been evaluated without error."""
        def evaluated():
            rules = [r for g in self.prometheus.api("rules")["groups"] for r in g["rules"]]
            return rules if rules and all(r["health"] == "ok" for r in rules) else None
        rules = wait_for(evaluated, timeout=30, interval=0.5, what="every rule evaluated ok")
        with open(ALERTS, encoding="utf-8") as f:
            shipped = re.findall(r"(?m)^\s*- alert:\s*(\S+)", f.read())
        self.assertEqual(sorted(r["name"] for r in rules), sorted(shipped))
        for r in rules:
            self.assertFalse(r.get("lastError"), r)
        self.wait_firing("WhmTransferItemsFailed", failed_items(self.api))
        names = {a["labels"]["alertname"] for a in self.prometheus.api("alerts")["alerts"]}
        self.assertEqual(names, {"WhmTransferItemsFailed", "WhmTransferDangerousItems"})

    def dashboard_exprs(self):
        with open(DASHBOARD, encoding="utf-8") as f:
            exprs = dashboard_queries.extract(json.load(f), dict(BUILTINS))
        self.assertGreater(len(exprs), 10)
        for _, expr in exprs:
            self.assertNotIn("$", expr)  # every variable substituted
        return exprs

    def test_5_every_dashboard_query_runs_and_returns_data(self):
        exprs = self.dashboard_exprs()
        for where, expr in exprs:  # a parse error fails here, naming the panel
            with self.subTest(where=where):
                self.prometheus.query(expr)
        must_have_data = [(w, e) for w, e in exprs if not any(k in e for k in MAY_BE_EMPTY)]
        self.assertEqual(len(must_have_data), len(exprs))

        def empty():
            return [w for w, e in must_have_data if not self.prometheus.query(e)[1]]
        # rate()/deriv() need two samples in their window: give Prometheus a few scrapes.
        try:
            wait_for(lambda: not empty(), timeout=30, interval=1, what="dashboard data")
        except AssertionError:
            self.fail(f"dashboard expressions without data: {empty()}")

    def scalar(self, expr):
        _, result = self.prometheus.query(expr)
        self.assertEqual(len(result), 1, (expr, result))
        return float(result[0]["value"][1])

    def test_6_dashboard_stats_equal_the_api(self):
        """The stat panels show the same numbers as /api/v1/sessions."""
        queues = [q for s in self.api["sessions"] for q in s["summary"]["queues"].values()]
        want = {
            "sum(whm_transfer_queue_items_failed": sum(q["items_failed"] for q in queues),
            "sum(whm_transfer_queue_dangerous_items": sum(q["dangerous_items"] for q in queues),
            "sum(whm_transfer_queue_items_succeeded": sum(q["items_succeeded"] for q in queues),
            "sum(whm_transfer_queue_items{": sum(q["items_total"] or 0 for q in queues),
            "count(whm_transfer_host_up": 0,
        }
        exprs = self.dashboard_exprs()
        for prefix, value in want.items():
            found = [e for _, e in exprs if e.startswith(prefix)]
            self.assertTrue(found, f"no dashboard expression starts with {prefix}")
            for e in found:
                deadline = time.monotonic() + 20
                while self.scalar(e) != value and time.monotonic() < deadline:
                    time.sleep(0.5)
                self.assertEqual(self.scalar(e), value, e)
        self.assertEqual(self.scalar('count by () (whm_transfer_session_state'
                                     '{host=~".*", session=~".*", state="COMPLETED"} == 1)'), 6)

    def test_7_prometheus_negotiated_openmetrics_and_gzip(self):
        """Prometheus asks for OpenMetrics and gzip on every scrape: the exporter served
        exactly that (its own count), and Prometheus' OpenMetrics parser kept the units."""
        negotiated = 'whm_transfer_scrapes_total{format="openmetrics",encoding="gzip"}'
        wait_for(lambda: self.prometheus.query(f"{negotiated} > 0")[1], timeout=30,
                 interval=0.5, what="OpenMetrics+gzip scrapes counted")
        self.assertEqual(self.scalar(f'sum(up{{job="{JOB}"}})'), 1)
        metadata = self.prometheus.api("metadata",
                                       metric="whm_transfer_host_poll_duration_seconds")
        units = {m.get("unit") for m in metadata.get("whm_transfer_host_poll_duration_seconds",
                                                      [])}
        self.assertEqual(units, {"seconds"}, metadata)

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.__name__}: {time.monotonic() - cls.started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
