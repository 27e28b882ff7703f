"""Local mode end to end: the exporter reads a session tree written by whm-sim-tree (the
real sqlite table, growing .master.log files renamed at the end) and its counts equal the
engine's summary of each file on disk, during and after the sessions."""
import os
import shutil
import unittest

from wte_testing.harness import (BINARY_DIR, Exporter, Process, engine_summary, metric, new_workdir,
                                 wait_for)

TREE = os.path.join(BINARY_DIR, "whm-sim-tree")


def log_text(session_dir):
    for name in (".master.log", "master.log"):
        try:
            with open(os.path.join(session_dir, name), encoding="utf-8", errors="surrogateescape") as f:
                return f.read()
        except FileNotFoundError:
            continue
    return ""


class LocalModeTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()
        self.tree = os.path.join(self.work, "transfer_sessions")
        os.makedirs(self.tree)
        self.writer = Process([TREE, "--dir", self.tree, "--sessions", "3", "--accounts", "20",
                               "--rate", "60", "--end-state", "COMPLETED", "--seed", "4"],
                              "whm-sim-tree", self.work)
        config = os.path.join(self.work, "config.yml")
        with open(config, "w") as f:
            f.write(f"listen_address: 127.0.0.1:0\nstate_directory: {self.work}/state\n"
                    f"local:\n  enabled: true\n  path: {self.tree}\n  poll_interval: 1s\n"
                    f"  host_label: whm-local\n")
        self.exporter = Exporter(self.work, config)

    def tearDown(self):
        self.exporter.stop()
        self.writer.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def sessions(self):
        return {s["session_id"]: s for s in self.exporter.sessions()["sessions"]}

    def test_discovery_and_counts_during_and_after(self):
        found = wait_for(lambda: len(self.sessions()) == 3 and self.sessions(), timeout=20,
                         what="three sessions discovered")
        for s in found.values():
            self.assertEqual(s["host"], "whm-local")
        # During: the exporter's view is the engine's summary of the first N lines on disk.
        running = [s for s in self.sessions().values() if s["summary"]["session"]["lines"] > 0]
        for s in running:
            text = log_text(os.path.join(self.tree, s["session_id"]))
            n = s["summary"]["session"]["lines"]
            self.assertEqual(s["summary"], engine_summary("".join(text.splitlines(True)[:n])))

        # After: every session COMPLETED in the database, renamed to master.log, and the
        # exporter's counts equal the engine's summary of the final file.
        def all_done():
            current = self.sessions()
            for sid, s in current.items():
                d = os.path.join(self.tree, sid)
                if not os.path.exists(os.path.join(d, "master.log")):
                    return False
                if s["state"] != "COMPLETED" or s["summary"] != engine_summary(log_text(d)):
                    return False
            return len(current) == 3
        wait_for(all_done, timeout=90, interval=0.5, what="sessions completed and counted")
        series = self.exporter.metrics()
        self.assertEqual(metric(series, "whm_transfer_host_up", host="whm-local"), 1.0)
        self.assertEqual(metric(series, "whm_transfer_local_database_up"), 1.0)


if __name__ == "__main__":
    unittest.main()
