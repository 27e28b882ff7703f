"""End to end with a real Prometheus: whm-sim's demo story (one failed account, one with
dangerous items) -> the exporter -> Prometheus scraping it every second with the shipped alert
rules (`for:` shortened to 0s in a copy) -> the alerts fire once per session with the right
labels and values, every rule evaluates cleanly, every PromQL expression of the Grafana
dashboard runs and returns data, and each Grafana-managed alert rule's query returns what the
matching Prometheus alert fires on. The tests only read the world setUpClass made and wait for
what they check, so they pass in any order and alone.

Prometheus cannot listen on port 0 and say which port it got, so it gets a port that was free
a moment ago (retried if someone takes it in between), on 127.0.0.1 only."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

import yaml

from wte_testing import dashboard_queries
from wte_testing.e2e import (ALERTS, JOB, LOGGEN, PROMETHEUS, REPO, Prometheus, dangerous_accounts,
                             dangerous_items, demo_simulator, failed_accounts, failed_items,
                             is_account, prometheus_config, require_tool)
from wte_testing.harness import Exporter, Simulator, new_workdir, wait_for, write_config

DASHBOARD = os.path.join(REPO, "config", "grafana", "whm-transfers.json")
GRAFANA_RULES = os.path.join(REPO, "config", "grafana", "alert-rules.yml")
# Grafana's built-in variables, fixed for a Prometheus that has only seconds of data.
BUILTINS = {"__rate_interval": "1m", "__interval": "15s", "__range": "5m"}
# Expressions allowed to return no series after a healthy demo run, with the reason. Every
# other dashboard expression must return at least one series.
MAY_BE_EMPTY = {
    # (none: a seventh, never-ending session on host "live0" keeps the panels about running
    # sessions fed)
}
GRAFANA_OPERATORS = {"gt": lambda v, t: v > t, "lt": lambda v, t: v < t}


LIVE_HOST = "live0"


def live_simulator(work):
    """A second simulator whose one session never ends: the first 40 lines of a generated
    log with times (six accounts, two of them done, no failure, no dangerous item), then
    RUNNING for ever. It keeps the panels about running sessions fed: throughput, remaining
    accounts, an estimated completion."""
    d = os.path.join(work, "live")
    os.makedirs(d)
    full = os.path.join(d, "full.log")
    subprocess.run([require_tool(LOGGEN), "--accounts", "6", "--failure-rate", "0",
                    "--dangerous-rate", "0", "--seed", "9", "--out", full], check=True,
                   capture_output=True, timeout=60)
    with open(full, encoding="utf-8") as f:
        head = f.readlines()[:40]
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
              and live[0]["state"] == "RUNNING" and live[0]["summary"]["session"]["lines"] == 40)
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
        """The premise of the alert tests: one session with one failed account, another with
        one account with dangerous items, the live session clean."""
        self.assertEqual(len(failed_items(self.api)), 1, failed_items(self.api))
        self.assertEqual(len(dangerous_items(self.api)), 1, dangerous_items(self.api))
        self.assertEqual([len(a) for a in failed_accounts(self.api).values()], [1])
        self.assertEqual([len(a) for a in dangerous_accounts(self.api).values()], [1])
        self.assertNotIn(LIVE_HOST, {h for h, _ in failed_accounts(self.api)})
        live = next(s for s in self.api["sessions"] if s["host"] == LIVE_HOST)
        restored = {i["item"] for i in live["summary"]["items"]
                    if i["queue"] == "RESTORE" and i["status"] == "succeeded"}
        self.assertTrue(0 < len(restored) < 6, restored)  # some accounts done, some to go

    def wait_firing(self, name, want):
        """The firing alerts `name` once their {(host, session): value} are `want`."""
        def matched():
            alerts = self.prometheus.firing(name)
            got = {(a["labels"].get("host"), a["labels"].get("session")): float(a["value"])
                   for a in alerts}
            return alerts if got == want and len(alerts) == len(want) else None
        try:
            return wait_for(matched, timeout=30, interval=0.5, what=f"{name} firing")
        except AssertionError:
            self.fail(f"{name}: want {want}, firing "
                      f"{[(a['labels'], a['value']) for a in self.prometheus.firing(name)]}")

    def test_2_accounts_failed_fires_once_per_session(self):
        """One alert per session with failed accounts, its value the number of accounts
        (read from the items: an account failed in both queues counts once), naming them."""
        want = failed_accounts(self.api)
        alerts = self.wait_firing("WhmTransferAccountsFailed",
                                  {k: float(len(v)) for k, v in want.items()})
        failures = {(s["host"], s["session_id"], i["item"]): i["failure"]
                    for s in self.api["sessions"] for i in s["summary"]["items"]
                    if i["status"] == "failed"}
        for a in alerts:
            ls = a["labels"]
            self.assertEqual(ls["severity"], "warning")
            self.assertEqual(ls["job"], JOB)
            self.assertNotIn("item", ls)
            self.assertNotIn("queue", ls)
            description = a["annotations"]["description"]
            self.assertIn(f"session {ls['session']} on {ls['host']} failed", description)
            causes = {r["metric"]["account"]: (r["metric"]["queue"], r["metric"]["failure"])
                      for r in self.prometheus.query(
                          f'whm_transfer_account_failed{{host="{ls["host"]}", '
                          f'session="{ls["session"]}"}}')[1]}
            for account in want[(ls["host"], ls["session"])]:
                self.assertIn((ls["host"], ls["session"], account), failures)
                queue, cause = causes[account]
                self.assertTrue(cause, causes)
                self.assertIn(f"\n{account} ({queue}): {cause}", description)
            self.assertEqual(a["annotations"]["runbook_url"], "README.md#whmtransferaccountsfailed")

    def test_3_dangerous_items_fire_once_per_session(self):
        want = dangerous_accounts(self.api)
        alerts = self.wait_firing("WhmTransferAccountsWithDangerousItems",
                                  {k: float(len(v)) for k, v in want.items()})
        counts = {(s["host"], s["session_id"], i["item"]): i["dangerous_items"]
                  for s in self.api["sessions"] for i in s["summary"]["items"]
                  if i["queue"] == "RESTORE"}
        for a in alerts:
            ls = a["labels"]
            self.assertEqual(ls["severity"], "warning")
            for account in want[(ls["host"], ls["session"])]:
                n = counts[(ls["host"], ls["session"], account)]
                self.assertIn(f"{account}: {n} dangerous item(s)", a["annotations"]["description"])

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
        self.wait_firing("WhmTransferAccountsFailed",
                         {k: float(len(v)) for k, v in failed_accounts(self.api).items()})
        names = {a["labels"]["alertname"] for a in self.prometheus.api("alerts")["alerts"]}
        self.assertEqual(names, {"WhmTransferAccountsFailed",
                                 "WhmTransferAccountsWithDangerousItems"})

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

    def remaining_accounts(self):
        """Accounts without a final result, from the items: the session's total (TRANSFER's
        queue_count, else RESTORE's, else the accounts seen) less those done (a result in
        RESTORE, or failed anywhere)."""
        remaining = 0
        for s in self.api["sessions"]:
            items = [i for i in s["summary"]["items"] if is_account(i)]
            queues = s["summary"]["queues"]
            names = {i["item"] for i in items}
            total = next((q["items_total"] for q in (queues.get("TRANSFER"), queues.get("RESTORE"))
                          if q and q.get("items_total") is not None), len(names))
            done = {i["item"] for i in items
                    if i["status"] == "failed"
                    or (i["queue"] == "RESTORE" and i["status"] == "succeeded")}
            remaining += total - len(done)
        return remaining

    def test_6_dashboard_stats_equal_the_api(self):
        """The stat panels show the same numbers as /api/v1/sessions."""
        queues = [q for s in self.api["sessions"] for q in s["summary"]["queues"].values()]
        want = {
            "sum(whm_transfer_session_accounts_failed":
                sum(len(a) for a in failed_accounts(self.api).values()),
            "sum(whm_transfer_session_accounts_with_dangerous_items":
                sum(len(a) for a in dangerous_accounts(self.api).values()),
            "sum(whm_transfer_session_accounts_remaining": self.remaining_accounts(),
            "sum(whm_transfer_queue_items_succeeded": sum(q["items_succeeded"] for q in queues),
            "sum(whm_transfer_queue_items{": sum(q["items_total"] or 0 for q in queues),
            "count(whm_transfer_host_up": 0,
        }
        exprs = self.dashboard_exprs()
        for prefix, value in want.items():
            found = [e for _, e in exprs if e.startswith(prefix)]
            self.assertTrue(found, f"no dashboard expression starts with {prefix}")
            for e in found:
                # Run first, the test may come before Prometheus has every series: wait_for
                # retries a query that has no answer yet, on a deadline that follows the load.
                try:
                    wait_for(lambda: self.scalar(e) == value, timeout=20, interval=0.5, what=e)
                except AssertionError:
                    pass  # the assertion below says what differs
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

    def grafana_rule_result(self, rule):
        """{labels: value} the Grafana rule alerts on: its query A on this Prometheus, kept
        where its threshold B holds (what Grafana does with them)."""
        data = {d["refId"]: d for d in rule["data"]}
        evaluator = data["B"]["model"]["conditions"][0]["evaluator"]
        holds = GRAFANA_OPERATORS[evaluator["type"]]
        _, result = self.prometheus.query(data["A"]["model"]["expr"])
        out = {}
        for r in result:
            value = float(r["value"][1])
            if holds(value, evaluator["params"][0]):
                labels = {k: v for k, v in r["metric"].items() if k != "__name__"}
                out[frozenset(labels.items())] = value
        return out

    def prometheus_alert_result(self, name, rule_labels):
        """{labels: value} of the firing Prometheus alerts `name`, without the labels the
        rule itself adds."""
        return {frozenset((k, v) for k, v in a["labels"].items()
                          if k != "alertname" and k not in rule_labels): float(a["value"])
                for a in self.prometheus.firing(name)}

    def test_8_grafana_rules_query_what_prometheus_fires_on(self):
        """Each Grafana-managed rule's query, run against this Prometheus, returns the series
        and values the Prometheus alert of the same name fires on (both `for: 0s` here)."""
        with open(GRAFANA_RULES, encoding="utf-8") as f:
            rules = [r for g in yaml.safe_load(f)["groups"] for r in g["rules"]]
        with open(ALERTS, encoding="utf-8") as f:
            self.assertEqual(len(rules), len(re.findall(r"(?m)^\s*- alert:", f.read())))
        # The premise: the alerts on failed accounts and dangerous items are firing.
        self.wait_firing("WhmTransferAccountsFailed",
                         {k: float(len(v)) for k, v in failed_accounts(self.api).items()})
        for rule in rules:
            with self.subTest(rule=rule["title"]):
                def same():
                    g = self.grafana_rule_result(rule)
                    p = self.prometheus_alert_result(rule["title"], rule.get("labels") or {})
                    return (g, p) if g.keys() == p.keys() and all(
                        abs(g[k] - p[k]) <= 1e-9 * max(1.0, abs(p[k])) for k in g) else None
                try:
                    g, p = wait_for(same, timeout=20, interval=0.5, what="the same alerts")
                except AssertionError:
                    self.fail(f"{rule['title']}: Grafana's query gives "
                              f"{self.grafana_rule_result(rule)}, Prometheus fires "
                              f"{self.prometheus_alert_result(rule['title'], rule.get('labels') or {})}")
                if rule["title"] in ("WhmTransferAccountsFailed",
                                     "WhmTransferAccountsWithDangerousItems"):
                    self.assertEqual(len(g), 1, g)

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.__name__}: {time.monotonic() - cls.started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
