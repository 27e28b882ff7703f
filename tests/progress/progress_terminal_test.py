"""`progress` in a real terminal (a tmux pane of 80 columns: its screen and history are read
back) and in a pseudo-terminal: redraws leave no stale line at any width, problems are printed
once as they happen with their lines indented, --follow works on a pipe, colour follows
NO_COLOR and TERM, and plain output has no escape sequence at all."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from wte_testing import session_log as log
from wte_testing.terminal import TmuxPane, read_line, run_in_pty, wait_until

BINARY = os.path.abspath(os.environ.get("WTE_BINARY", "build/whm_transfer_exporter"))
DATA = os.environ.get("WTE_TEST_DATA_DIR", "tests/data")
FAILED = os.path.join(DATA, "logs", "openapi-2020-failed-root.log")

SGR = re.compile(rb"\x1b\[[0-9;]*m")
BLOCK_PREFIXES = ("Session   ", "Started   ", "Lines     ", "TRANSFER  [", "RESTORE   [",
                  "In flight ")
T0 = 1700000000


def failure_of(i):
    return "Account user%03d could not be copied:\nrsync exited with 23\n  (partial transfer)" % i


def step_lines(i):
    """Account i finishes; the next one starts. Every 10th fails, every 7th has a dangerous
    item, both with texts of several lines."""
    failure = failure_of(i) if i % 10 == 3 else None
    dangerous = "MySQL: skipped grants for user%03d_%%.\nThe databases are not in the archive." % i \
        if i % 7 == 5 and failure is None else None
    return log.account("user%03d" % i, T0 + 60 * i, failure, dangerous) + \
        log.started("user%03d" % (i + 1), T0 + 60 * i + 30)


class Follow:
    """A log file that grows while `progress --follow` shows it in a tmux pane."""

    def __init__(self, test, columns=80, rows=24, accounts=60, wait=True):
        self.dir = tempfile.mkdtemp(prefix="wte-progress-")
        test.addCleanup(shutil.rmtree, self.dir, True)
        self.path = os.path.join(self.dir, ".master.log")
        self.lines = 0
        self.append(log.header(accounts))
        self.pane = TmuxPane([BINARY, "progress", "--follow", "--interval", "20", self.path],
                             columns, rows)
        test.addCleanup(self.pane.close)
        if wait:
            self.wait_for_lines()

    def append(self, lines):
        with open(self.path, "ab") as f:
            f.writelines(lines)
        self.lines += len(lines)

    def wait_for_lines(self):
        """Until the block on screen counts every line written: one redraw has happened."""
        wanted = "Lines     %d (" % self.lines
        wait_until(lambda: any(r.startswith(wanted) for r in self.pane.screen()),
                   what="a redraw showing " + wanted)


def block_rows(rows):
    return [r for r in rows if r.startswith(BLOCK_PREFIXES)]


class RedrawTest(unittest.TestCase):
    def assert_one_block(self, rows, width):
        """One copy of each row of the block, none wider than the terminal less a column."""
        for prefix in BLOCK_PREFIXES[:5]:
            self.assertEqual(sum(1 for r in rows if r.startswith(prefix)), 1,
                             "%r more than once (a stale copy):\n%s" % (prefix, "\n".join(rows)))
        for r in block_rows(rows):
            self.assertLessEqual(len(r), width - 1, r)

    def test_fifty_redraws_of_long_lines_in_80_columns_leave_no_stale_line(self):
        f = Follow(self)
        # The status lines are longer than the terminal: they wrap.
        with open(f.path, encoding="utf-8") as written:
            self.assertTrue(any(len(r) > 80 for r in written))
        for i in range(50):
            f.append(step_lines(i))
            f.wait_for_lines()
        everything = f.pane.history_and_screen()
        self.assert_one_block(everything, 80)
        for r in everything:
            self.assertLessEqual(len(r), 79, r)
        screen = f.pane.screen()
        self.assert_one_block(screen, 80)
        self.assertTrue(any(r.startswith("Session   RUNNING") for r in screen))
        self.assertIn("In flight TRANSFER user050", screen)
        # Problems above the block, each once, their lines indented, never a literal "\n".
        text = "\n".join(everything)
        for i in (3, 13, 23, 33, 43):
            for queue in ("TRANSFER", "RESTORE"):
                self.assertEqual(text.count("FAILED    %s user%03d: Account user%03d could not"
                                            % (queue, i, i)), 1, text)
        self.assertIn("\n            rsync exited with 23\n              (partial transfer)\n", text)
        self.assertEqual(text.count("DANGEROUS RESTORE user005: 1 dangerous item"), 1)
        self.assertIn("\n          MySQL: skipped grants for user005_%.\n"
                      "            The databases are not in the archive.\n", text)
        self.assertNotIn("\\n", text)
        # The problems came before the block: nothing of the block above them.
        last_event = max(n for n, r in enumerate(everything) if r.startswith(("FAILED", "DANGER")))
        first_block = min(n for n, r in enumerate(everything) if r.startswith("Session   "))
        self.assertLess(last_event, first_block)

        f.append(log.complete(T0 + 60 * 60))
        self.assertEqual(f.pane.wait_exit(), 1)  # failed items
        final = f.pane.history_and_screen()
        self.assert_one_block(final, 80)
        self.assertTrue(any(r.startswith("Session   COMPLETED") for r in final))
        self.assertFalse(any(r.startswith("In flight") for r in final))

    def test_a_narrower_terminal_mid_follow_leaves_no_stale_line_on_screen(self):
        f = Follow(self, columns=100, rows=30)
        for i in range(6):
            f.append(step_lines(i))
            f.wait_for_lines()
        for n, columns in enumerate((60, 45, 120, 80)):
            f.pane.resize(columns, 30)
            f.append(step_lines(6 + n))
            f.wait_for_lines()
            # The width is read again at each redraw (every --interval): the block fits the new
            # width by the next one, and no copy of it is left on screen.
            wait_until(lambda: all(len(r) < columns for r in block_rows(f.pane.screen())),
                       what="a redraw at %d columns" % columns)
            self.assert_one_block(f.pane.screen(), columns)

    def test_a_block_taller_than_the_terminal_is_cut_to_its_height(self):
        f = Follow(self, columns=40, rows=8, wait=False)
        for i in range(12):  # no problem lines: only the block
            f.append(log.account("user%03d" % i, T0 + i) + log.started("user%03d" % (i + 1), T0))
        f.append(log.complete(T0 + 99999))
        self.assertEqual(f.pane.wait_exit(), 0)
        everything = f.pane.history_and_screen()
        self.assertEqual(sum(1 for r in everything if r.startswith("Session   ")), 1,
                         "\n".join(everything))
        self.assertTrue(any(r.startswith("… ") and "more rows" in r for r in everything))


class PipeFollowTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="wte-progress-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.path = os.path.join(self.dir, "master.log")

    def write(self, lines, mode="ab"):
        with open(self.path, mode) as f:
            f.writelines(lines)

    def test_tail_f_into_follow_on_a_terminal_shows_the_block_and_ends_with_the_session(self):
        self.write(log.header(5) + step_lines(0), "wb")
        pane = TmuxPane(None, shell_pipeline="tail -n +1 -f %s | %s progress --follow "
                        "--interval 50 -" % (self.path, BINARY))
        self.addCleanup(pane.close)
        wait_until(lambda: any(r.startswith("Session   RUNNING") for r in pane.screen()),
                   what="the block from the pipe")
        self.assertIsNone(pane.exit_status())
        self.write(step_lines(1) + log.complete(T0 + 999))
        # tail never ends: progress ends on the session's final state, and the pipeline with it
        # when tail next writes; the status file is written when the pipeline ends, so read
        # the screen for the end instead.
        wait_until(lambda: any(r.startswith("Session   COMPLETED") for r in pane.screen()),
                   what="the final block")
        self.write([b"\n"])  # tail writes, gets SIGPIPE, and the pipeline ends
        self.assertEqual(pane.wait_exit(), 0)

    def test_tail_f_into_follow_on_a_pipe_prints_plain_lines_and_ends(self):
        self.write(log.header(3) + step_lines(0), "wb")
        tail = subprocess.Popen(["tail", "-n", "+1", "-f", self.path], stdout=subprocess.PIPE)
        self.addCleanup(tail.wait)
        self.addCleanup(tail.kill)
        proc = subprocess.Popen([BINARY, "progress", "--follow", "--interval", "50", "-"],
                                stdin=tail.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        tail.stdout.close()
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        first = read_line(proc.stdout)
        self.assertTrue(first.startswith(b"Session   RUNNING"), first)
        self.write(step_lines(1) + step_lines(2)[:-1] + log.complete(T0 + 999))
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        tail.kill()
        tail.wait()
        self.assertNotIn(b"\x1b", first + out)
        self.assertIn(b"Session   COMPLETED", out)

    def test_an_open_pipe_is_followed_until_the_state_is_final(self):
        proc = subprocess.Popen([BINARY, "progress", "--follow", "--interval", "50", "-"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        proc.stdin.write(b"".join(log.header(2)))
        proc.stdin.flush()
        self.assertTrue(read_line(proc.stdout).startswith(b"Session   RUNNING"))
        proc.stdin.write(b"".join(step_lines(3) + log.complete(T0 + 999)))
        proc.stdin.flush()  # and the pipe stays open
        self.assertEqual(proc.wait(timeout=30), 1)
        rest = proc.stdout.read()
        proc.stdout.close()
        proc.stderr.close()
        self.assertIn(b"FAILED    TRANSFER user003: Account user003 could not be copied:\n"
                      b"            rsync exited with 23\n", rest)
        proc.stdin.close()

    def test_a_pipe_that_closes_before_the_end_reports_what_it_had(self):
        r = subprocess.run([BINARY, "progress", "--follow", "--interval", "50", "-"],
                           input=b"".join(log.header(2) + step_lines(0)), capture_output=True,
                           timeout=30)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(b"Session   RUNNING", r.stdout)


class ColourTest(unittest.TestCase):
    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
        env["TERM"] = "xterm-256color"
        env.update(extra)
        return env

    def test_colour_on_a_terminal(self):
        code, out = run_in_pty([BINARY, "progress", FAILED], env=self.env())
        self.assertEqual(code, 1)
        self.assertIn(b"Session   \x1b[1;33mCOMPLETED\x1b[0m", out)  # completed, with failures
        self.assertIn(b"\x1b[1;31m1 failed\x1b[0m", out)
        self.assertIn(b"\x1b[1;31mFailed items\x1b[0m:", out)

    def test_no_color_set_and_not_empty_turns_it_off(self):
        for value in ("1", "yes"):
            code, out = run_in_pty([BINARY, "progress", FAILED], env=self.env(NO_COLOR=value))
            self.assertEqual(code, 1)
            self.assertIsNone(SGR.search(out), out)
            self.assertIn(b"Session   COMPLETED", out)
        # no-color.org: an empty NO_COLOR does not count.
        _, out = run_in_pty([BINARY, "progress", FAILED], env=self.env(NO_COLOR=""))
        self.assertIsNotNone(SGR.search(out))

    def test_no_color_in_follow_keeps_the_redraw_without_colour(self):
        code, out = run_in_pty([BINARY, "progress", "--follow", "--interval", "20", FAILED],
                               env=self.env(NO_COLOR="1"))
        self.assertEqual(code, 1)
        self.assertIsNone(SGR.search(out), out)
        self.assertIn(b"\x1b[K", out)  # drawn for a terminal all the same

    def test_no_escape_at_all_when_stdout_is_not_a_terminal_or_term_is_dumb(self):
        for args in ([FAILED], ["--follow", "--interval", "20", FAILED]):
            r = subprocess.run([BINARY, "progress", *args], capture_output=True, timeout=30,
                               env=self.env())
            self.assertEqual(r.returncode, 1)
            self.assertNotIn(b"\x1b", r.stdout)
            code, out = run_in_pty([BINARY, "progress", *args], env=self.env(TERM="dumb"))
            self.assertEqual(code, 1)
            self.assertNotIn(b"\x1b", out)

    def test_a_control_sequence_in_the_log_never_reaches_the_terminal(self):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        path = os.path.join(d, "master.log")
        with open(path, "wb") as f:
            f.writelines(log.header(1) + log.account("evil\x1b[2J\u009b31m", T0,
                                                     failure="a\x07b\u009b2Jc\nsecond\x1b]0;x\x07")
                         + log.complete(T0 + 9))
        code, out = run_in_pty([BINARY, "progress", "--follow", "--interval", "20", path],
                               env=self.env())
        self.assertEqual(code, 1)
        self.assertNotIn(b"\x1b[2J", out)
        self.assertNotIn("\u009b".encode(), out)
        self.assertNotIn(b"\x07", out)
        self.assertIn(b"evil\\x1B[2J\\u009B31m", out)


if __name__ == "__main__":
    unittest.main()
