"""End to end, from a migration to the notifications an on-call person receives: a simulated
migration (two WHM hosts, six sessions: one with failed accounts, one of them failed in both
queues, one with dangerous items, one with both, three healthy) -> the exporter -> Prometheus
with the shipped rules (`for:` shortened) -> a real Alertmanager routed by the shipped
config/prometheus/alertmanager.yml (timings shortened) -> a webhook receiver that is this
test. Wanted: one grouped notification per session and kind, with the number of accounts
and their names, and none for the healthy sessions.

Prometheus starts once the exporter has read every session to its end, so the first
evaluation already sees the final counts; the test then waits a few group intervals more to
be sure that nothing else arrives. The tests only read what setUpClass collected, so they pass
in any order and alone."""
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

import yaml

from wte_testing.e2e import (ALERTMANAGER, LOGGEN, PROMETHEUS, REPO, Alertmanager, Prometheus,
                             WebhookReceiver, dangerous_accounts, failed_accounts,
                             prometheus_config, require_tool, wait_all_finished)
from wte_testing.harness import Exporter, Simulator, new_workdir, wait_for, write_config

ALERTMANAGER_CONFIG = os.path.join(REPO, "config", "prometheus", "alertmanager.yml")
# The migration: one log per session, in the simulator's order (host sim0 gets the first
# three, sim1 the next three). The seeds are chosen for what each log holds; test_1 checks it.
LOGS = (
    ("failing", ["--accounts", "8", "--failure-rate", "0.5", "--dangerous-rate", "0",
                 "--seed", "1"]),
    ("healthy-a", ["--accounts", "6", "--failure-rate", "0", "--dangerous-rate", "0",
                   "--warning-rate", "0.3", "--seed", "5"]),
    ("dangerous", ["--accounts", "6", "--failure-rate", "0", "--dangerous-rate", "0.6",
                   "--seed", "4"]),
    ("both", ["--accounts", "8", "--failure-rate", "0.4", "--dangerous-rate", "0.5",
              "--seed", "2"]),
    ("healthy-b", ["--accounts", "6", "--failure-rate", "0", "--dangerous-rate", "0",
                   "--seed", "6"]),
    ("healthy-c", ["--accounts", "4", "--failure-rate", "0", "--dangerous-rate", "0",
                   "--warning-rate", "0.5", "--seed", "7"]),
)
FAILED = "WhmTransferAccountsFailed"
DANGEROUS = "WhmTransferAccountsWithDangerousItems"
GROUP_INTERVAL_S = 2


def write_logs(folder):
    """The master logs of LOGS, written by the project's log generator."""
    os.makedirs(folder)
    paths = []
    for name, args in LOGS:
        path = os.path.join(folder, f"{name}.log")
        subprocess.run([require_tool(LOGGEN), *args, "--out", path], check=True, timeout=60,
                       capture_output=True)
        paths.append(path)
    return paths


def alertmanager_config(workdir, receiver_port):
    """The shipped routing, its receiver this test and its timings shortened."""
    with open(ALERTMANAGER_CONFIG, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    route = config["route"]
    assert route["group_by"] == ["alertname", "host", "session"], route
    route.update(group_wait="1s", group_interval=f"{GROUP_INTERVAL_S}s", repeat_interval="1h")
    for child in route.get("routes", []):
        child.pop("repeat_interval", None)
    for receiver in config["receivers"]:
        for hook in receiver.get("webhook_configs", []):
            hook["url"] = f"http://127.0.0.1:{receiver_port}/{receiver['name']}"
    path = os.path.join(workdir, "alertmanager.yml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    return path


class NotificationsEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool(PROMETHEUS)
        require_tool(ALERTMANAGER)
        cls.started = time.monotonic()
        cls.work = new_workdir()
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        logs = write_logs(os.path.join(cls.work, "logs"))
        cls.sim = Simulator(cls.work, "--hosts", "2", "--sessions-per-host", "3",
                            *[a for log in logs for a in ("--log", log)], "--rate", "400")
        cls.addClassCleanup(cls.sim.stop)
        cls.exporter = Exporter(cls.work, write_config(cls.work, cls.sim, poll_interval="1s"))
        cls.addClassCleanup(cls.exporter.stop)
        cls.api = wait_all_finished(cls.exporter, len(LOGS))
        cls.receiver = WebhookReceiver()
        cls.addClassCleanup(cls.receiver.stop)
        cls.alertmanager = Alertmanager(cls.work,
                                        alertmanager_config(cls.work, cls.receiver.port))
        cls.addClassCleanup(cls.alertmanager.stop)
        cls.prometheus = Prometheus(cls.work, prometheus_config(
            cls.work, cls.exporter.port, alertmanager_port=cls.alertmanager.port))
        cls.addClassCleanup(cls.prometheus.stop)
        cls.failed = failed_accounts(cls.api)
        cls.dangerous = dangerous_accounts(cls.api)
        cls.want = {(FAILED, h, s) for h, s in cls.failed} | \
                   {(DANGEROUS, h, s) for h, s in cls.dangerous}
        cls.notifications = cls.collect()

    @classmethod
    def collect(cls):
        """The notifications once one has come for each wanted (alertname, host, session),
        and three group intervals more have brought nothing new."""
        def every_kind_arrived():
            got = {group_key(body) for _, body in cls.receiver.notifications()}
            return cls.want <= got
        wait_for(every_kind_arrived, timeout=60, interval=0.5,
                 what="a notification per session and kind")
        settled = cls.receiver.notifications()
        deadline = time.monotonic() + 3 * GROUP_INTERVAL_S + 2
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = cls.receiver.notifications()
            if len(now) != len(settled):
                settled, deadline = now, time.monotonic() + 3 * GROUP_INTERVAL_S + 2
        return settled

    def session(self, log_name):
        """(host, session) of the session that plays LOGS' `log_name`."""
        index = [name for name, _ in LOGS].index(log_name)
        host = self.sim.hosts[index // 3]
        return host["name"], host["sessions"][index % 3]

    def test_1_the_migration_is_as_planned(self):
        """The premise: which sessions have failed accounts and dangerous items, and an
        account that failed in TRANSFER and so in RESTORE too."""
        self.assertEqual(set(self.failed), {self.session("failing"), self.session("both")})
        self.assertEqual(set(self.dangerous), {self.session("dangerous"), self.session("both")})
        self.assertGreaterEqual(len(self.failed[self.session("failing")]), 2)
        in_both = {(s["host"], s["session_id"], i["item"]) for s in self.api["sessions"]
                   for i in s["summary"]["items"]
                   if i["queue"] == "TRANSFER" and i["status"] == "failed"}
        self.assertTrue({(h, s) for h, s, _ in in_both} & {self.session("failing")},
                        "no account failed in TRANSFER (and RESTORE) in the failing session")
        self.assertEqual(len(self.api["sessions"]), len(LOGS))

    def test_2_one_notification_per_session_and_kind(self):
        keys = [group_key(body) for _, body in self.notifications]
        self.assertEqual(sorted(keys), sorted(self.want),
                         f"notifications: {[summary(b) for _, b in self.notifications]}")
        for path, body in self.notifications:
            with self.subTest(group=group_key(body)):
                self.assertEqual(path, "/transfers")
                self.assertEqual(body["status"], "firing")
                self.assertEqual(set(body["groupLabels"]), {"alertname", "host", "session"})
                self.assertEqual(len(body["alerts"]), 1, summary(body))

    def test_3_none_for_the_healthy_sessions(self):
        healthy = {self.session(n) for n in ("healthy-a", "healthy-b", "healthy-c")}
        notified = {(body["groupLabels"].get("host"), body["groupLabels"].get("session"))
                    for _, body in self.notifications}
        self.assertFalse(healthy & notified)

    def test_4_the_notifications_count_and_name_the_accounts(self):
        """The value is the number of accounts (an account failed in both queues once), and
        the description names them (at most five)."""
        for _, body in self.notifications:
            alertname, host, session = group_key(body)
            accounts = (self.failed if alertname == FAILED else self.dangerous)[(host, session)]
            with self.subTest(group=(alertname, host, session)):
                alert = body["alerts"][0]
                description = alert["annotations"]["description"]
                m = re.match(r"(\d+) account\(s\) of transfer session (\S+) on (\S+) ",
                             description)
                self.assertIsNotNone(m, description)
                self.assertEqual((int(m.group(1)), m.group(2), m.group(3)),
                                 (len(accounts), session, host))
                for account in sorted(accounts)[:5]:
                    self.assertRegex(description, rf"(?m)^{re.escape(account)}[ :]")
                self.assertTrue(alert["annotations"]["runbook_url"].startswith("README.md#"))
                self.assertEqual(alert["labels"]["severity"], "warning")

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.__name__}: {time.monotonic() - cls.started:.1f} s, "
              f"{len(cls.notifications)} notifications", file=sys.stderr)


class RevokedTokenEndToEndTest(unittest.TestCase):
    """A host with nothing to poll (no session of its own; the same as all its sessions
    finished) whose token is refused: the exporter still checks it with one cheap
    authenticated call (at once, then every 5 minutes), the refusal shows as host_up 0 and
    host_errors_total{reason="auth"}, and one WhmTransferHostAuthFailed notification
    arrives, not WhmTransferHostDown; the other host, whose session ended well, stays quiet.
    The refusal comes before Prometheus' first scrape, so the error counter is already 1 in
    its first sample: the rule sees that too."""

    @classmethod
    def setUpClass(cls):
        require_tool(PROMETHEUS)
        require_tool(ALERTMANAGER)
        cls.work = new_workdir()
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        healthy = [p for p in write_logs(os.path.join(cls.work, "logs"))
                   if "healthy" in os.path.basename(p)]
        cls.sim = Simulator(cls.work, "--hosts", "2", "--sessions-per-host", "1",
                            *[a for log in healthy[:2] for a in ("--log", log)], "--rate", "400")
        cls.addClassCleanup(cls.sim.stop)
        cls.revoked = cls.sim.hosts[1]["name"]
        cls.sim.fault(cls.revoked, "wrong_token")
        hosts = [cls.sim.hosts[0], dict(cls.sim.hosts[1], sessions=[])]
        cls.exporter = Exporter(cls.work, write_config(cls.work, cls.sim, hosts=hosts,
                                                       poll_interval="1s"))
        cls.addClassCleanup(cls.exporter.stop)
        wait_all_finished(cls.exporter, 1)
        cls.receiver = WebhookReceiver()
        cls.addClassCleanup(cls.receiver.stop)
        cls.alertmanager = Alertmanager(cls.work,
                                        alertmanager_config(cls.work, cls.receiver.port))
        cls.addClassCleanup(cls.alertmanager.stop)
        cls.prometheus = Prometheus(cls.work, prometheus_config(
            cls.work, cls.exporter.port, alertmanager_port=cls.alertmanager.port))
        cls.addClassCleanup(cls.prometheus.stop)

    def test_a_refused_token_on_an_idle_host_is_notified(self):
        def notified():
            return [b for _, b in self.receiver.notifications()
                    if group_key(b) == ("WhmTransferHostAuthFailed", self.revoked, None)]
        try:
            wait_for(notified, timeout=60, interval=0.5,
                     what="WhmTransferHostAuthFailed notified")
        except AssertionError:
            self.fail(f"no WhmTransferHostAuthFailed for {self.revoked}; host_up "
                      f"{self.prometheus.query('whm_transfer_host_up')[1]}; notifications "
                      f"{[summary(b) for _, b in self.receiver.notifications()]}")
        time.sleep(3 * GROUP_INTERVAL_S)
        keys = [group_key(b) for _, b in self.receiver.notifications()]
        self.assertEqual(keys, [("WhmTransferHostAuthFailed", self.revoked, None)])
        errors = self.prometheus.query(
            f'whm_transfer_host_errors_total{{host="{self.revoked}", reason="auth"}}')[1]
        self.assertGreaterEqual(float(errors[0]["value"][1]), 1)


def group_key(body):
    g = body.get("groupLabels", {})
    return g.get("alertname"), g.get("host"), g.get("session")


def summary(body):
    return (group_key(body), body.get("status"),
            [(a["labels"], a["annotations"].get("description")) for a in body.get("alerts", [])])


if __name__ == "__main__":
    unittest.main()
