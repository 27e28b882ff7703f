"""`progress --url` against the simulator: the same report, the same --json and the same
exit statuses as `progress` on the same log file; --follow through to the end on each kind
of server; the token in no output and never on the command line."""
import os
import shutil
import subprocess
import unittest

from wte_testing.harness import EXPORTER, Simulator, TOKEN, new_workdir, wait_for


class ProgressUrlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = new_workdir()
        # sim0: current cPanel, sim1: older server, sim2: dotted name refused; the demo
        # story has one failed account (exit 1) and the rest completed.
        cls.sim = Simulator(cls.work, "--hosts", "3", "--sessions-per-host", "1",
                            "--accounts", "6", "--rate", "25", "--seed", "3",
                            "--log-access", "1=old", "--log-access", "2=no_dotted")

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def run_progress(self, host, *args, timeout=120):
        h = self.sim.hosts[host]
        cmd = [EXPORTER, "progress", "--url", f"https://localhost:{h['port']}",
               "--token-file", self.sim.token_file, "--ca-file", self.sim.ca_file,
               "--interval", "300", *args, h["sessions"][0]]
        self.assertNotIn(TOKEN, " ".join(cmd))
        r = subprocess.run(cmd, capture_output=True, timeout=timeout * 4)
        for out in (r.stdout, r.stderr):
            self.assertNotIn(TOKEN.encode(), out)
        return r

    def file_progress(self, host, *args):
        h = self.sim.hosts[host]
        path = os.path.join(self.work, f"{h['name']}.log")
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.sim.fetch_log(h["port"], h["sessions"][0]))
        return subprocess.run([EXPORTER, "progress", *args, path], capture_output=True,
                              timeout=60)

    def test_follow_to_the_end_equals_the_file_report_on_every_kind_of_server(self):
        for host in range(3):
            with self.subTest(host=self.sim.hosts[host]["name"]):
                remote = self.run_progress(host, "--follow", "--json")
                local = self.file_progress(host, "--json")
                self.assertEqual(remote.returncode, local.returncode, remote.stderr)
                self.assertIn(remote.returncode, (0, 1))
                self.assertEqual(remote.stdout, local.stdout)
                # And the text report, once the session has ended.
                text = self.run_progress(host, "--items")
                self.assertEqual(text.stdout, self.file_progress(host, "--items").stdout)
                self.assertEqual(text.returncode, local.returncode)

    def test_usage_errors_and_a_refused_token(self):
        h = self.sim.hosts[0]
        r = subprocess.run([EXPORTER, "progress", "--url", f"https://localhost:{h['port']}",
                            "--token", TOKEN, h["sessions"][0]], capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"never given on the command line", r.stderr)
        bad = os.path.join(self.work, "bad.token")
        with open(bad, "w") as f:
            f.write("WRONGTOKEN0123456789\n")
        os.chmod(bad, 0o600)
        r = subprocess.run([EXPORTER, "progress", "--url", f"https://localhost:{h['port']}",
                            "--token-file", bad, "--ca-file", self.sim.ca_file, h["sessions"][0]],
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"auth", r.stderr)
        self.assertNotIn(b"WRONGTOKEN", r.stderr)


class ProgressUrlRunningTest(unittest.TestCase):
    """A session still running: exit 3; on a server that refuses the dotted name, without
    --follow it says the log comes at the end."""

    def setUp(self):
        self.work = new_workdir()
        self.sim = Simulator(self.work, "--hosts", "2", "--sessions-per-host", "1",
                             "--accounts", "400", "--rate", "5", "--seed", "4",
                             "--log-access", "1=no_dotted")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.addCleanup(self.sim.stop)

    def progress(self, host):
        h = self.sim.hosts[host]
        return subprocess.run([EXPORTER, "progress", "--url", f"https://localhost:{h['port']}",
                               "--token-file", self.sim.token_file, "--ca-file",
                               self.sim.ca_file, h["sessions"][0]],
                              capture_output=True, timeout=240)

    def test_running_sessions_exit_3(self):
        r = wait_for(lambda: (lambda r: r if b"RUNNING" in r.stdout else None)(self.progress(0)),
                     timeout=60, interval=0.5, what="a running session's report")
        self.assertEqual(r.returncode, 3, r.stderr)
        r = self.progress(1)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(b"only when it ends", r.stderr)
        self.assertIn(b"--follow", r.stderr)


if __name__ == "__main__":
    unittest.main()
