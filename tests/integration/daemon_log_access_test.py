"""Remote mode against the three ways a WHM server serves a running session's log
(docs/LOG-FORMAT.md section 2), on the simulator, which behaves like cPanel by default:

- current cPanel: `.master.log` answers at once while the session runs, `master.log` waits
  for the end. Counts while running equal the engine's summary of what was served so far,
  no master.log request is ever held, the host stays up with no error;
- a server that refuses the dotted name: at every sampled moment at most one log request
  per session is held open on the server, no error is counted, the host stays up, the
  session says it waits for the end, and the counts arrive exact when it ends;
- an older server: master.log answers at once while the session runs.
"""
import shutil
import time
import unittest

from wte_testing.harness import (Exporter, Simulator, TOKEN, engine_summary, metric, new_workdir,
                                 summary_of_read, wait_for, write_config)


class LogAccessTest(unittest.TestCase):
    def start(self, access):
        self.work = new_workdir()
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.sim = Simulator(self.work, "--hosts", "1", "--sessions-per-host", "2",
                             "--accounts", "20", "--rate", "15", "--seed", "5",
                             "--log-access", f"0={access}")
        self.addCleanup(self.sim.stop)
        self.host = self.sim.hosts[0]["name"]
        self.exporter = Exporter(self.work, write_config(self.work, self.sim))
        self.addCleanup(self.exporter.stop)
        # host_up is exported from the host's first poll on (before it, the host is unknown,
        # not down): under ASan on a busy machine that poll can come after the first sample.
        wait_for(lambda: metric(self.exporter.metrics(), "whm_transfer_host_up",
                                host=self.host) is not None,
                 timeout=60, what="the host's first poll")

    def session_states(self):
        return {s["id"]: s for s in self.sim.control("GET", "/state")["hosts"][0]["sessions"]}

    def api(self):
        return {s["session_id"]: s for s in self.exporter.sessions()["sessions"]}

    def errors(self):
        m = self.exporter.metrics()
        return sum(v for (name, labels), v in m.items()
                   if name == "whm_transfer_host_errors_total")

    def wait_all_finished(self):
        wait_for(lambda: all(s["finished"] for s in self.api().values()),
                 timeout=180, interval=0.5, what="every session finished")

    def check_final_counts(self):
        for sid, s in self.api().items():
            log = self.sim.fetch_log(self.sim.hosts[0]["port"], sid)
            self.assertEqual(s["summary"], engine_summary(log), sid)

    def test_current_cpanel_live_progress_without_holding_a_request(self):
        self.start("modern")
        samples = 0
        while samples < 8:
            states = self.session_states()
            if all(s["state"] in ("COMPLETED", "FAILED", "ABORTED") for s in states.values()):
                break
            for sid, s in self.api().items():
                if s["summary"]["session"]["lines"] == 0 or s["finished"]:
                    continue
                # What was read so far is a prefix of the log: the engine agrees on it.
                log = self.sim.fetch_log(self.sim.hosts[0]["port"], sid)
                self.assertEqual(s["summary"], summary_of_read(log, s["summary"]))
                samples += 1
            m = self.exporter.metrics()
            self.assertEqual(metric(m, "whm_transfer_host_up", host=self.host), 1.0)
            time.sleep(0.5)
        self.assertGreater(samples, 0, "no sample taken while the sessions ran")
        m = self.exporter.metrics()
        self.assertEqual(metric(m, "whm_transfer_host_log_access", host=self.host,
                                access="active_log"), 1.0)
        self.wait_all_finished()
        self.check_final_counts()
        self.assertEqual(self.errors(), 0.0)
        for s in self.session_states().values():
            self.assertEqual(s["max_held_log_requests"], 0)  # master.log never asked early

    def test_dotted_name_refused_one_held_request_no_error(self):
        self.start("no_dotted")
        waited = False
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            states = self.session_states()
            for s in states.values():
                self.assertLessEqual(s["held_log_requests"], 1, s)
            m = self.exporter.metrics()
            up = metric(m, "whm_transfer_host_up", host=self.host)
            if up is not None:
                self.assertEqual(up, 1.0)
            self.assertEqual(self.errors(), 0.0)
            api = self.api()
            waited = waited or any(s.get("waiting_for_end") for s in api.values())
            if api and all(s["finished"] for s in api.values()):
                break
            time.sleep(0.3)
        self.assertTrue(waited, "never shown as waiting for the end")
        self.wait_all_finished()
        self.check_final_counts()
        for s in self.session_states().values():
            self.assertLessEqual(s["max_held_log_requests"], 1)
        m = self.exporter.metrics()
        self.assertEqual(metric(m, "whm_transfer_host_log_access", host=self.host,
                                access="waits_for_end"), 1.0)
        self.assertEqual(self.errors(), 0.0)

    def test_older_server_master_log_at_once(self):
        self.start("old")
        wait_for(lambda: metric(self.exporter.metrics(), "whm_transfer_host_log_access",
                                host=self.host, access="master_log_at_once") == 1.0,
                 timeout=60, what="learned as an older server")
        self.wait_all_finished()
        self.check_final_counts()
        self.assertEqual(self.errors(), 0.0)

    def tearDown(self):
        for out in (self.exporter.process.output(), self.sim.process.output()):
            self.assertNotIn(TOKEN, out)


if __name__ == "__main__":
    unittest.main()
