"""The `progress` command as a process: output, --json, --follow, exit statuses."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

BINARY = os.environ.get("WTE_BINARY", "build/whm_transfer_exporter")
DATA = os.environ.get("WTE_TEST_DATA_DIR", "tests/data")
SEED = os.path.join(DATA, "logs", "seed-2014-three-accounts.log")
FAILED = os.path.join(DATA, "logs", "openapi-2020-failed-root.log")


from wte_testing import session_log as log
from wte_testing.terminal import read_line


def run(*args, stdin=None):
    return subprocess.run([BINARY, "progress", *args], input=stdin, capture_output=True,
                          timeout=30)


class ProgressCommandTest(unittest.TestCase):
    def test_human_report_of_a_completed_session(self):
        r = run(SEED)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertIn("Session   COMPLETED   initiator copyacct   version 1.6   source vm5.docs.cpanel.net", out)
        self.assertRegex(out, r"TRANSFER  \[#+\]\s+3/3 items 100%")
        self.assertIn("3 succeeded (3 with warnings), 0 failed, 1 dangerous item", out)
        self.assertIn("RESTORE colin: 1 dangerous item, 1 altered item", out)
        self.assertIn("dangerous: MySQL:  Skipping grants", out)

    def test_failed_items_and_exit_status_1(self):
        r = run("--items", FAILED)
        self.assertEqual(r.returncode, 1)
        out = r.stdout.decode()
        self.assertIn("Failed items:", out)
        self.assertIn("TRANSFER root: The account \u201croot\u201d already exists", out)
        self.assertIn("RESTORE   failed     root", out)

    def test_json_field_by_field(self):
        r = run("--json", FAILED)
        self.assertEqual(r.returncode, 1)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["session"], {
            "state": "COMPLETED", "initiator": "norootcopy", "version": "2.3",
            "remote_host": "10.1.32.200", "started_at": 1598991042,
            "last_event_at": 1598991043, "lines": 17, "malformed_lines": 0, "pending_bytes": 0})
        expected_queue = {
            "items_total": 1, "bytes_total": 1, "items_started": 1, "items_finished": 1,
            "items_succeeded": 0, "items_with_warnings": 0, "items_failed": 1,
            "bytes_finished": 1, "warnings": 0, "dangerous_items": 0, "skipped_items": 0,
            "altered_items": 0, "child_failures": 0, "progress": 1.0}
        self.assertEqual(doc["queues"]["TRANSFER"], expected_queue)
        self.assertEqual(doc["queues"]["RESTORE"], expected_queue)
        self.assertEqual(len(doc["items"]), 2)
        item = doc["items"][0]
        self.assertEqual(item["queue"], "TRANSFER")
        self.assertEqual(item["item"], "root")
        self.assertEqual(item["item_type"], "AccountRemoteUser")
        self.assertEqual(item["status"], "failed")
        self.assertEqual(item["had_warnings"], False)
        self.assertEqual(item["size"], 1)
        self.assertEqual(item["failure"],
                         "The account \u201croot\u201d already exists on \u201ccontrol.box.new\u201d.")

    def test_json_of_the_seed_log(self):
        doc = json.loads(run("--json", SEED).stdout)
        restore = doc["queues"]["RESTORE"]
        self.assertEqual((restore["items_total"], restore["items_succeeded"],
                          restore["items_with_warnings"], restore["warnings"],
                          restore["dangerous_items"], restore["skipped_items"],
                          restore["altered_items"]), (3, 3, 3, 8, 1, 31, 1))
        self.assertIsNone(doc["queues"]["TRANSFER"]["bytes_total"])
        self.assertIsNone(doc["session"]["started_at"])

    def test_accounts_and_pace(self):
        out = run(FAILED).stdout.decode()
        # One account failed in both queues: one failed account.
        self.assertIn("Accounts  1 of 1 done (1 failed, 0 with dangerous items), 0 remaining\n", out)
        self.assertIn("Pace      0.0 accounts/h, 0 B/h over the last 1s\n", out)
        self.assertIn("Pace      unknown (the log has no times)\n", run(SEED).stdout.decode())
        items = run("--items", FAILED).stdout.decode()
        self.assertIn("Slowest accounts (first start to last result):\n  TRANSFER          0s  root\n",
                      items)

    def test_json_overview_under_new_keys(self):
        doc = json.loads(run("--json", FAILED).stdout)
        self.assertEqual(doc["accounts"], {"total": 1, "done": 1, "failed": 1,
                                           "with_dangerous_items": 0, "remaining": 0})
        self.assertEqual(doc["failed_accounts"], [{
            "account": "root", "queue": "TRANSFER",
            "failure": "The account \u201croot\u201d already exists on \u201ccontrol.box.new\u201d.",
            "cause": "The account \u201c\u2026\u201d already exists on \u201c\u2026\u201d."}])
        self.assertIsNone(doc["estimated_completion"])
        self.assertEqual(doc["throughput"]["window_seconds"], 1)
        self.assertEqual(list(doc)[:3], ["session", "queues", "items"])  # the old ones first
        seed = json.loads(run("--json", SEED).stdout)
        self.assertIsNone(seed["throughput"]["accounts_per_hour"])
        self.assertEqual(seed["dangerous_accounts"][0]["account"], "colin")

    def test_stdin_and_running_status_3(self):
        with open(SEED, "rb") as f:
            head = b"".join(f.readlines()[:12])
        r = run("-", stdin=head)
        self.assertEqual(r.returncode, 3)
        self.assertIn(b"Session   RUNNING", r.stdout)

    def test_failed_and_aborted_sessions_exit_1(self):
        for action in ("fail", "abort"):
            log = b'{"contents":{"action":"start"}}\n{"contents":{"action":"%s"}}\n' % action.encode()
            self.assertEqual(run("-", stdin=log).returncode, 1, action)

    def test_usage_and_io_errors_exit_2_with_one_line(self):
        r = run("/nonexistent/master.log")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.decode().strip(),
                         "whm_transfer_exporter progress: /nonexistent/master.log: No such file or directory")
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run("--bogus", SEED).returncode, 2)
        self.assertEqual(run(DATA).returncode, 2)  # a directory

    def test_follow_a_growing_log_renamed_at_the_end(self):
        with open(FAILED, "rb") as f:
            lines = f.readlines()
        tmp = tempfile.mkdtemp()
        try:
            active = os.path.join(tmp, ".master.log")
            final = os.path.join(tmp, "master.log")
            with open(active, "wb") as f:
                f.writelines(lines[:5])
                f.write(lines[5][:10])  # a partial line, as while cPanel writes
            proc = subprocess.Popen([BINARY, "progress", "--follow", "--interval", "50", active],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                time.sleep(0.4)
                self.assertIsNone(proc.poll(), "follow must wait for the session to end")
                with open(active, "ab") as f:
                    f.write(lines[5][10:])
                    f.writelines(lines[6:12])
                time.sleep(0.3)
                os.rename(active, final)  # cPanel renames at the end: same inode
                with open(final, "ab") as f:
                    f.writelines(lines[12:])
                out, err = proc.communicate(timeout=10)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            self.assertEqual(proc.returncode, 1, err)
            text = out.decode()
            self.assertIn("Session   RUNNING", text)       # an intermediate status was printed
            self.assertIn("Session   COMPLETED", text)     # and the final one
            # Each failed item once, as it happened, before the final block.
            for queue in ("TRANSFER", "RESTORE"):
                event = "FAILED    %s root: The account \u201croot\u201d already exists" % queue
                self.assertEqual(text.count(event), 1, text)
                self.assertLess(text.index(event), text.index("Session   COMPLETED"))
            self.assertIn("Lines     17 (0 malformed)", text)
        finally:
            shutil.rmtree(tmp)

    def test_follow_json_prints_one_document_at_the_end(self):
        r = subprocess.run([BINARY, "progress", "--follow", "--json", SEED], capture_output=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(json.loads(r.stdout)["session"]["state"], "COMPLETED")

    def test_multi_line_texts_are_indented_lines(self):
        lines = log.header(2) + log.account("alice", 1, failure="first\nsecond\r\n\tthird\n") + \
            log.account("bob", 2, dangerous="MySQL: one\ntwo") + log.complete(3)
        r = run("-", stdin=b"".join(lines))
        self.assertEqual(r.returncode, 1)
        out = r.stdout.decode()
        self.assertIn("\nFailed items:\n  TRANSFER alice: first\n    second\n    \\tthird\n"
                      "  RESTORE alice: first\n", out)
        self.assertIn("    dangerous: MySQL: one\n               two\n", out)
        self.assertNotIn("\\n", out)


class NotAMasterLogTest(unittest.TestCase):
    """Input with no well-formed master-log line in its first 64 KiB: exit 2, one line on
    stderr, whatever the mode; an empty input is a session not started."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)

    def file(self, content, name="master.log"):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def assert_not_a_log(self, r, name):
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertRegex(r.stderr.decode(), r"^whm_transfer_exporter progress: %s: not a transfer "
                                             r"master log \([^)]+\)\n$" % re.escape(name))
        self.assertEqual(r.stdout, b"")

    def test_files_that_are_not_master_logs(self):
        binary = self.file(bytes(range(256)) * 300, "binary")
        json_lines = self.file(b'{"a": 1}\n{"contents": {"action": 7}}\n', "json")
        for path in ("/etc/passwd", binary, json_lines):
            for args in ([], ["--json"], ["--follow", "--interval", "20"], ["--items"]):
                with self.subTest(path=path, args=args):
                    self.assert_not_a_log(run(*args, path), path)
            with open(path, "rb") as f:
                self.assert_not_a_log(run("-", stdin=f.read()), "standard input")

    def test_a_device_that_never_ends_is_judged_on_its_first_64_KiB(self):
        self.assert_not_a_log(run("/dev/zero"), "/dev/zero")
        self.assert_not_a_log(run("--follow", "/dev/zero"), "/dev/zero")

    def test_the_first_64_KiB_decide(self):
        good = b"".join(log.header(1))
        garbage = b"x" * 99 + b"\n"
        late = self.file(garbage * 700 + good, "late")  # the first line well-formed after 70 KB
        self.assert_not_a_log(run(late), late)
        early = self.file(garbage * 100 + good, "early")  # a bad start, then a log
        r = run(early)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(b"Lines     8 (100 malformed)", r.stdout)

    def test_an_empty_file_is_a_session_not_started(self):
        empty = self.file(b"")
        r = run(empty)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(b"Session   PENDING", r.stdout)
        self.assertEqual(run("-", stdin=b"").returncode, 3)
        self.assertEqual(run("-", stdin=b"\n\n  \n").returncode, 3)  # blank lines only
        # A first line still being written is not judged yet.
        self.assertEqual(run("-", stdin=b'{"contents":{"act').returncode, 3)

    def follow(self, path):
        return subprocess.Popen([BINARY, "progress", "--follow", "--interval", "20", path],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def wait(self, proc):
        try:
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def test_follow_waits_on_an_empty_file_then_stops_on_garbage(self):
        for garbage in (b"root:x:0:0:root:/root:/bin/bash\n", b"\x7fELF\x02\x01",
                        b'{"not": "a master log line"}\n'):
            with self.subTest(garbage=garbage):
                path = self.file(b"")
                proc = self.follow(path)
                self.assertTrue(read_line(proc.stdout).startswith(b"Session   PENDING"))
                self.assertIsNone(proc.poll())  # an empty file: a session not started
                with open(path, "ab") as f:
                    f.write(garbage)
                r = self.wait(proc)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(b"not a transfer master log", r.stderr)

    def test_follow_waits_on_an_empty_file_for_the_session(self):
        path = self.file(b"")
        proc = self.follow(path)
        self.assertTrue(read_line(proc.stdout).startswith(b"Session   PENDING"))
        with open(path, "ab") as f:
            f.writelines(log.whole_session(2))
        r = self.wait(proc)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"Session   COMPLETED", r.stdout)

    def test_follow_on_a_pipe_of_garbage(self):
        r = subprocess.run([BINARY, "progress", "--follow", "--interval", "20", "-"],
                           input=b"hello\n", capture_output=True, timeout=30)
        self.assert_not_a_log(r, "standard input")


if __name__ == "__main__":
    unittest.main()
