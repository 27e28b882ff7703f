"""Scale-out: 3 instances with --shard=I/3 against 30 simulated hosts. Every host is polled
by exactly one instance, and the union of their metrics equals one unsharded instance's."""
import os
import shutil
import unittest

from wte_testing.harness import Exporter, Simulator, new_workdir, wait_for, write_config

SESSION_PREFIXES = ("whm_transfer_queue_", "whm_transfer_session_state", "whm_transfer_item_")


def session_series(series):
    return {k: v for k, v in series.items() if k[0].startswith(SESSION_PREFIXES)}


class ShardsTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()
        self.sim = Simulator(self.work, "--hosts", "30", "--sessions-per-host", "1",
                             "--accounts", "4", "--rate", "200", "--seed", "2")
        self.config = write_config(self.work, self.sim, poll_interval="1s")
        self.exporters = []

    def tearDown(self):
        for e in self.exporters:
            e.stop()
        self.sim.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def start(self, name, *args):
        d = os.path.join(self.work, name)
        os.makedirs(d)
        e = Exporter(d, self.config, *args)
        self.exporters.append(e)
        return e

    def all_finished(self, exporters, expected):
        sessions = [s for e in exporters for s in e.sessions()["sessions"]]
        return len(sessions) == expected and all(s["finished"] for s in sessions)

    def test_three_shards_cover_every_host_once(self):
        shards = [self.start(f"shard{i}", f"--shard={i}/3") for i in range(3)]
        whole = self.start("whole")
        wait_for(lambda: self.all_finished(shards, 30) and self.all_finished([whole], 30),
                 timeout=90, interval=0.5, what="every session read to its end")
        owners = {}
        union = {}
        for i, e in enumerate(shards):
            series = e.metrics()
            for (name, labels), _ in series.items():
                if name == "whm_transfer_host_up":
                    owners.setdefault(dict(labels)["host"], []).append(i)
            union.update(session_series(series))
        self.assertEqual(sorted(owners), sorted(h["name"] for h in self.sim.hosts))
        for host, who in owners.items():
            self.assertEqual(len(who), 1, f"{host} polled by shards {who}")
        self.assertTrue(all(0 < sum(1 for w in owners.values() if w == [i]) for i in range(3)),
                        "every shard owns some hosts")
        self.assertEqual(union, session_series(whole.metrics()))


if __name__ == "__main__":
    unittest.main()
