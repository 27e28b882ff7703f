"""Lifecycle of the exporter process: registration API (token, validation, persistence
across a SIGKILL restart, exact counts after it), the `sessions` and `check-config`
subcommands, SIGHUP with a bad config, POST /-/reload, SIGTERM exiting 0 quickly, and no
token in any output."""
import json
import os
import shutil
import signal
import subprocess
import time
import unittest

from wte_testing.harness import (EXPORTER, Exporter, Simulator, TOKEN, counts_exact, metric,
                                 new_workdir, wait_for, write_config)

API_TOKEN = "API-bearer-0123456789abcdef0123456789"


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()
        self.sim = Simulator(self.work, "--hosts", "2", "--sessions-per-host", "2",
                             "--accounts", "300", "--rate", "20", "--seed", "9")
        self.addCleanup(self.sim.stop)  # runs even if tearDown fails half-way
        self.api_token_file = os.path.join(self.work, "api.token")
        with open(self.api_token_file, "w") as f:
            f.write(API_TOKEN + "\n")
        os.chmod(self.api_token_file, 0o600)
        # Only the first session of each host is configured; the second is registered.
        hosts = [dict(h, sessions=h["sessions"][:1]) for h in self.sim.hosts]
        self.config = write_config(self.work, self.sim, hosts=hosts,
                                   extra=f"api:\n  bearer_token_file: {self.api_token_file}\n"
                                         "enable_lifecycle: true")
        self.exporter = Exporter(self.work, self.config)
        self.outputs = []

    def tearDown(self):
        self.outputs.append(self.exporter.process.output())
        self.exporter.stop()
        self.sim.stop()
        for text in self.outputs:
            self.assertNotIn(TOKEN, text)
            self.assertNotIn(API_TOKEN, text)
        shutil.rmtree(self.work, ignore_errors=True)

    def register(self, host, sid, token=API_TOKEN):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.exporter.request("POST", "/api/v1/sessions",
                                     json.dumps({"host": host, "session_id": sid}), headers)

    def watched(self):
        return {(s["host"], s["session_id"]) for s in self.exporter.sessions()["sessions"]}

    def cli(self, *args, env_token=True):
        env = dict(os.environ)
        if env_token:
            env["WHM_TRANSFER_EXPORTER_API_TOKEN"] = API_TOKEN
        r = subprocess.run([EXPORTER, *args], capture_output=True, timeout=30, env=env)
        self.outputs.append((r.stdout + r.stderr).decode("utf-8", "replace"))
        return r

    def test_registration_requires_the_token_and_valid_ids(self):
        h = self.sim.hosts[0]
        extra = h["sessions"][1]
        self.assertEqual(self.register(h["name"], extra, token=None)[0], 401)
        self.assertEqual(self.register(h["name"], extra, token="wrong")[0], 401)
        for bad in ("../etc", "a%2Fb", "a/b", "a\u0000b", "x" * 65, "", "id with space"):
            self.assertEqual(self.register(h["name"], bad)[0], 400, bad)
        self.assertEqual(self.register("no-such-host", extra)[0], 404)
        status, _ = self.exporter.request("DELETE", f"/api/v1/sessions/{h['name']}/..%2Fx",
                                          headers={"Authorization": f"Bearer {API_TOKEN}"})
        self.assertEqual(status, 400)
        self.assertNotIn((h["name"], extra), self.watched())

    def test_registered_sessions_are_polled_and_survive_a_sigkill_restart(self):
        h = self.sim.hosts[0]
        extra = h["sessions"][1]
        self.assertEqual(self.register(h["name"], extra)[0], 201)
        wait_for(lambda: any(s["session_id"] == extra and s["summary"]["session"]["lines"] > 0
                             for s in self.exporter.sessions()["sessions"]),
                 what="registered session polled")
        self.outputs.append(self.exporter.process.output())
        self.exporter.stop(signal.SIGKILL)
        self.exporter = Exporter(self.work, self.config)
        wait_for(lambda: (h["name"], extra) in self.watched(), what="registration kept")
        # Killed mid-session, the new process reads every log again from byte 0: its counts
        # are exact, the registered session's included.
        for host, sid in self.watched():
            self.assertTrue(counts_exact(self.exporter, self.sim, host, sid),
                            f"counts of {host}/{sid} after a SIGKILL restart")
        # And removal, persisted too.
        status, _ = self.exporter.request("DELETE", f"/api/v1/sessions/{h['name']}/{extra}",
                                          headers={"Authorization": f"Bearer {API_TOKEN}"})
        self.assertEqual(status, 200)
        self.assertNotIn((h["name"], extra), self.watched())
        self.outputs.append(self.exporter.process.output())
        self.exporter.stop(signal.SIGKILL)
        self.exporter = Exporter(self.work, self.config)
        time.sleep(0.5)
        self.assertNotIn((h["name"], extra), self.watched())

    def test_sessions_subcommand(self):
        h = self.sim.hosts[1]
        url = f"--url=http://127.0.0.1:{self.exporter.port}"
        r = self.cli("sessions", "add", h["name"], h["sessions"][1], url)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.cli("sessions", "list", url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(h["sessions"][1], r.stdout.decode())
        r = self.cli("sessions", "remove", h["name"], h["sessions"][1], url)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.cli("sessions", "add", h["name"], h["sessions"][1], url, env_token=False)
        self.assertEqual(r.returncode, 2)  # no token: refused before any request
        r = self.cli("sessions", "add", h["name"], "../x", url)
        self.assertEqual(r.returncode, 1)  # the server's 400

    def test_sighup_with_a_bad_config_keeps_the_old_one(self):
        wait_for(lambda: len(self.watched()) == 2, what="two sessions")
        with open(self.config) as f:
            good = f.read()
        with open(self.config, "w") as f:
            f.write(good + "bogus_key: 1\n")
        self.exporter.process.send_signal(signal.SIGHUP)
        wait_for(lambda: metric(self.exporter.metrics(),
                                "whm_transfer_config_last_reload_successful") == 0.0,
                 what="reload failure visible")
        self.assertIn("config reload failed", self.exporter.process.output())
        self.assertEqual(len(self.watched()), 2)  # still running on the old config
        polls = metric(self.exporter.metrics(), "whm_transfer_host_poll_duration_seconds_count",
                       host=self.sim.hosts[0]["name"])
        wait_for(lambda: metric(self.exporter.metrics(),
                                "whm_transfer_host_poll_duration_seconds_count",
                                host=self.sim.hosts[0]["name"]) > polls, what="still polling")
        # Fixed, and reloaded over HTTP: only one host left.
        with open(self.config, "w") as f:
            f.write(good.split("  - name: " + self.sim.hosts[1]["name"])[0])
        # Regression: anyone could reload, and a failed reload told them the token file's
        # path and mode. Now the lifecycle API is behind the API token.
        status, body = self.exporter.request("POST", "/-/reload")
        self.assertEqual(status, 401, body)
        status, body = self.exporter.request("POST", "/-/reload", None,
                                             {"Authorization": f"Bearer {API_TOKEN}"})
        self.assertEqual(status, 200, body)
        self.assertEqual(metric(self.exporter.metrics(),
                                "whm_transfer_config_last_reload_successful"), 1.0)
        self.assertEqual({h for h, _ in self.watched()}, {self.sim.hosts[0]["name"]})

    def test_the_lifecycle_api_is_off_unless_enabled_and_says_nothing_of_the_config(self):
        with open(self.config) as f:
            text = f.read()
        with open(self.config, "w") as f:
            f.write(text.replace("enable_lifecycle: true", "enable_lifecycle: false"))
        self.exporter.process.send_signal(signal.SIGHUP)
        wait_for(lambda: self.exporter.request("POST", "/-/reload", None,
                                               {"Authorization": f"Bearer {API_TOKEN}"})[0] == 403,
                 what="lifecycle off after the reload")
        # On again, then a broken token file: the caller learns nothing of it.
        with open(self.config, "w") as f:
            f.write(text)
        self.exporter.process.send_signal(signal.SIGHUP)
        auth = {"Authorization": f"Bearer {API_TOKEN}"}
        wait_for(lambda: self.exporter.request("POST", "/-/reload", None, auth)[0] == 200,
                 what="lifecycle on")
        os.chmod(self.api_token_file, 0o644)
        status, body = self.exporter.request("POST", "/-/reload", None, auth)
        body = body.decode()
        os.chmod(self.api_token_file, 0o600)
        self.assertEqual(status, 500)
        self.assertNotIn(self.api_token_file, body)
        self.assertNotIn("644", body)
        self.assertIn("the reason is in the log", body)

    def test_reload_command_waits_for_the_outcome(self):
        """`reload` (systemd's ExecReload=) succeeds only when the new config is applied and
        fails with the daemon's own reason when it is refused."""
        state = os.path.join(self.work, "state")
        args = ["reload", f"--pid={self.exporter.process.proc.pid}", f"--state-directory={state}"]
        r = self.cli(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("config reloaded", r.stdout.decode())
        with open(self.config) as f:
            good = f.read()
        with open(self.config, "w") as f:
            f.write(good.replace("poll_interval: 1s", "poll_interval: soon"))
        r = self.cli(*args)
        self.assertEqual(r.returncode, 1)
        self.assertIn("poll_interval", r.stderr.decode())
        self.assertIn("the running config stays", r.stderr.decode())
        self.assertEqual(len(self.watched()), 2)  # still running on the old config
        with open(self.config, "w") as f:
            f.write(good)
        self.assertEqual(self.cli(*args).returncode, 0)
        r = self.cli("reload", "--pid=999999999", f"--state-directory={state}")
        self.assertEqual(r.returncode, 2)  # no such process

    def test_reload_command_finds_systemds_state_directory_after_a_reload(self):
        """Regression: with systemd's $STATE_DIRECTORY and no state_directory in the file (a
        template unit's shard), a reload went back to the built-in default directory, so the
        outcome of every later reload was written where `reload` does not look (it timed out)."""
        state = os.path.join(self.work, "unit-state")
        os.makedirs(state)
        config = os.path.join(self.work, "no-state-directory.yml")
        with open(self.config) as f:
            lines = [l for l in f if not l.startswith("state_directory:")]
        with open(config, "w") as f:
            f.writelines(lines)
        exporter = Exporter(self.work, config, env=dict(os.environ, STATE_DIRECTORY=state))
        self.addCleanup(exporter.stop)
        args = ["reload", f"--pid={exporter.process.proc.pid}", f"--state-directory={state}",
                "--timeout=20s"]
        for attempt in ("first", "second"):
            r = self.cli(*args)
            self.assertEqual(r.returncode, 0, f"{attempt} reload: {r.stderr.decode()}")

    def test_sigterm_exits_0_within_2_seconds(self):
        self.sim.fault(self.sim.hosts[0]["name"], "hang")  # a request in flight
        time.sleep(1.5)
        start = time.monotonic()
        code = self.exporter.stop(signal.SIGTERM)
        self.assertEqual(code, 0)
        self.assertLess(time.monotonic() - start, 2.0)

    def test_check_config(self):
        r = self.cli("check-config", self.config)
        self.assertEqual(r.returncode, 0, r.stderr)
        bad = os.path.join(self.work, "bad.yml")
        with open(bad, "w") as f:
            f.write("poll_interval: 15x\nhosts:\n  - name: a\n    url: http://x\n    token: secret\n")
        r = self.cli("check-config", bad)
        self.assertEqual(r.returncode, 2)
        err = r.stderr.decode()
        self.assertIn(f"{bad}:1:", err)
        self.assertIn("poll_interval", err)
        self.assertIn("hosts[0].url", err)
        self.assertNotIn("secret", err)


if __name__ == "__main__":
    unittest.main()
