#!/usr/bin/env python3
"""`systemctl reload` under a real systemd: the .deb installed into a debootstrapped Debian 12
root booted with systemd-nspawn -b (booted_root.py), the exporter in local mode on a session
tree, started by the packaged unit at boot.

  good config -> another good one: `systemctl reload` exits 0, the same process (MainPID) runs
    the new config (the sessions' host label changes in /metrics);
  a bad config: `systemctl reload` exits non-zero, the journal has the daemon's reason with
    file:line:column and key, the daemon keeps running the old config (same MainPID, the
    sessions keep their label) and whm_transfer_config_last_reload_successful is 0;
  the same two reloads for an instance of the template unit (whm_transfer_exporter@0-1), whose
    state directory is its own.

  check_systemd_reload.py
"""
import os
import sys
import time

from booted_root import BootedRoot, debian_root_tarball, install_debs, unpack_root
from wte_testing.release import (Checker, harness, make_session_tree, need_release, need_root,
                                 need_tool, one, project_version, remove_tree, temp_dir)

CONFIG = "/etc/whm_transfer_exporter/config.yml"
SESSIONS = "/var/cpanel/transfer_sessions"
UNIT = "whm_transfer_exporter"
SHARD = "whm_transfer_exporter@0-1"
PORT, SHARD_PORT = 9923, 9924
# The error the daemon must report for BAD: the file, line 5, column 18, the key.
BAD_AT = CONFIG + ":5:18: local.poll_interval"


def config(label, poll_interval="1s"):
    return ("listen_address: 127.0.0.1:9923\n"
            "local:\n"
            "  enabled: true\n"
            f"  host_label: {label}\n"
            f"  poll_interval: {poll_interval}\n")


GOOD_BEFORE = config("before-reload")
GOOD_AFTER = config("after-reload")
BAD = config("refused", poll_interval="1 fortnight")


class Exporter:
    """The exporter inside the container, seen from its network namespace."""

    def __init__(self, box, curl, port):
        self.box, self.curl, self.port = box, curl, port

    def metrics(self):
        r = self.box.host_in_network(self.curl, "-sf", "--max-time", "10",
                                     f"http://127.0.0.1:{self.port}/metrics")
        if r.returncode != 0:
            raise AssertionError(f"curl /metrics exited {r.returncode}: {r.stderr}")
        return harness.parse_metrics(r.stdout)

    def labels(self):
        """The host labels of the sessions exported."""
        return {dict(ls).get("host") for (n, ls), _ in self.metrics().items()
                if n == "whm_transfer_session_log_lines"}

    def wait_label(self, label):
        return harness.wait_for(lambda: self.labels() == {label}, timeout=60, interval=0.5,
                                what=f"the sessions exported with host={label}")

    def reload_successful(self):
        return harness.metric(self.metrics(), "whm_transfer_config_last_reload_successful")


def main_pid(box, unit):
    return box.sh(f"systemctl show -p MainPID --value {unit}", quiet=True).stdout.strip()


def wait_active(box, unit):
    def active():
        state = box.sh(f"systemctl is-active {unit}", quiet=True).stdout.strip()
        if state == "failed":
            raise AssertionError(f"{unit} failed:\n" + box.sh(f"systemctl status {unit}").stdout)
        return state == "active"
    harness.wait_for(active, timeout=90, interval=0.5, what=f"{unit} active")


def journal(box, unit):
    return box.sh(f"journalctl -u {unit} --no-pager -o cat", quiet=True).stdout


def reload(box, unit):
    started = time.monotonic()
    r = box.sh(f"systemctl reload {unit}")
    print(f"  exit {r.returncode} after {time.monotonic() - started:.1f}s; "
          f"{(r.stdout + r.stderr).strip()}", flush=True)
    return r


def check_good_reload(c, box, exporter):
    wait_active(box, UNIT)
    exporter.wait_label("before-reload")
    pid = main_pid(box, UNIT)
    box.write(CONFIG, GOOD_AFTER)
    r = reload(box, UNIT)
    c.expect(r.returncode == 0, f"reload of a good config exited {r.returncode}: {r.stderr}")
    exporter.wait_label("after-reload")
    c.expect(main_pid(box, UNIT) == pid, "the good reload restarted the daemon")
    c.expect(exporter.reload_successful() == 1, "last_reload_successful is not 1")
    c.report("good config -> good config: systemctl reload 0, the new config runs")


def check_bad_reload(c, box, exporter):
    pid = main_pid(box, UNIT)
    box.write(CONFIG, BAD)
    r = reload(box, UNIT)
    c.expect(r.returncode != 0, "systemctl reload of a bad config exited 0")
    log = journal(box, UNIT)
    c.expect(BAD_AT in log, f"the journal has no {BAD_AT!r}:\n{log[-3000:]}")
    c.expect("the new config is refused" in log,
             f"the journal does not say the reload was refused:\n{log[-3000:]}")
    c.expect(box.sh(f"systemctl is-active {UNIT}", quiet=True).stdout.strip() == "active",
             "the daemon is no longer active after a refused reload")
    c.expect(main_pid(box, UNIT) == pid, "the daemon was restarted by a refused reload")
    c.expect(exporter.reload_successful() == 0,
             f"last_reload_successful is {exporter.reload_successful()}, not 0")
    c.expect(exporter.labels() == {"after-reload"},
             f"the old config no longer runs: sessions labelled {exporter.labels()}")
    status = box.sh(f"systemctl status {UNIT} --no-pager -l", quiet=True).stdout
    print(status, flush=True)
    c.report("good config -> bad config: systemctl reload fails with file:line:column, "
             "the old config runs, last_reload_successful 0")


def check_template(c, box, exporter):
    """Reloads of a template instance (state directory whm_transfer_exporter-shard-0-1)."""
    box.write(CONFIG, GOOD_AFTER)
    c.expect(reload(box, UNIT).returncode == 0, "reload back to a good config failed")
    box.write("/etc/whm_transfer_exporter/shard-0-1.env",
              f"WTE_LISTEN_ADDRESS=127.0.0.1:{SHARD_PORT}\n")
    r = box.sh(f"systemctl start {SHARD}")
    c.expect(r.returncode == 0, f"systemctl start {SHARD}: {r.stderr}")
    wait_active(box, SHARD)
    shard = Exporter(box, exporter.curl, SHARD_PORT)
    shard.wait_label("after-reload")
    r = reload(box, SHARD)
    c.expect(r.returncode == 0, f"reload of {SHARD} with a good config exited {r.returncode}")
    box.write(CONFIG, BAD)
    r = reload(box, SHARD)
    c.expect(r.returncode != 0, f"reload of {SHARD} with a bad config exited 0")
    log = journal(box, SHARD)
    c.expect(BAD_AT in log, f"the journal of {SHARD} has no {BAD_AT!r}:\n{log[-3000:]}")
    c.expect(shard.reload_successful() == 0, f"{SHARD}: last_reload_successful is not 0")
    c.report(f"{SHARD}: good reload 0, bad reload fails with the reason")


def main():
    need_root()
    need_release()
    curl = need_tool("curl")
    started = time.monotonic()
    c = Checker()
    tarball = debian_root_tarball()
    work = temp_dir("wte_reload_")
    try:
        root = unpack_root(tarball, work, "debian")
        install_debs(root, [one(f"whm-transfer-exporter_{project_version()}_amd64.deb")])
        make_session_tree(os.path.join(root, SESSIONS.lstrip("/")), sessions=2, accounts=4)
        with open(os.path.join(root, CONFIG.lstrip("/")), "w", encoding="utf-8") as f:
            f.write(GOOD_BEFORE)
        # The packages enable the unit: it starts at boot, with GOOD_BEFORE.
        with BootedRoot(root, "wte-reload", work) as box:
            try:
                exporter = Exporter(box, curl, PORT)
                check_good_reload(c, box, exporter)
                check_bad_reload(c, box, exporter)
                check_template(c, box, exporter)
            except BaseException:
                print(journal(box, UNIT)[-5000:], file=sys.stderr)
                print(box.console_text()[-3000:], file=sys.stderr)
                raise
    finally:
        remove_tree(work)
    print(f"wall time {time.monotonic() - started:.0f}s")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
