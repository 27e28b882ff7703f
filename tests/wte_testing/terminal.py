"""Real terminals for the `progress` tests: a tmux pane of a given size (a real terminal
emulator whose screen and history the test reads), and a bare pseudo-terminal (Python's pty)
whose output bytes the test reads."""
import fcntl
import os
import select
import shlex
import shutil
import struct
import subprocess
import tempfile
import termios
import time


def wait_until(predicate, timeout=30.0, step=0.02, what="condition"):
    """Polls `predicate` until it returns something true; the machine is loaded, so the
    deadline is generous and only a failure waits it out."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(step)


def read_line(stream, timeout=30.0):
    """The next line of a child's stdout, read from its descriptor with a deadline (a
    readline() would wait for ever on a command that prints nothing)."""
    deadline = time.monotonic() + timeout
    line = bytearray()
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stream], [], [], left)[0]:
            raise AssertionError("no line within %.0f s (so far %r)" % (timeout, bytes(line)))
        byte = os.read(stream.fileno(), 1)
        if not byte:
            break
        line += byte
    return bytes(line)


class TmuxPane:
    """One tmux server of our own (its socket in a temporary folder) running `argv` in a pane
    of columns x rows; the exit status goes to a file when it ends, and the pane stays."""

    def __init__(self, argv, columns=80, rows=24, env=None, shell_pipeline=None):
        if shutil.which("tmux") is None:
            raise AssertionError("tmux is needed (scripts/install-deps installs it)")
        self.dir = tempfile.mkdtemp(prefix="wte-tmux-")
        self.socket = os.path.join(self.dir, "socket")
        self.status_file = os.path.join(self.dir, "status")
        command = shell_pipeline if shell_pipeline else " ".join(shlex.quote(a) for a in argv)
        exports = "".join("export %s=%s; " % (k, shlex.quote(v)) for k, v in (env or {}).items())
        unset = "" if env and "NO_COLOR" in env else "unset NO_COLOR; "
        script = "%s%s%s; echo $? > %s; exec sleep 3600" % (
            unset, exports, command, shlex.quote(self.status_file))
        self._tmux("-f", "/dev/null", "new-session", "-d", "-x", str(columns), "-y", str(rows),
                   "sh", "-c", script)

    def _tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket, *args], check=True, capture_output=True,
                              timeout=30).stdout.decode("utf-8", "replace")

    def screen(self):
        """The visible rows, trailing blanks cut."""
        return self._tmux("capture-pane", "-p").rstrip("\n").split("\n")

    def history_and_screen(self):
        """Everything the pane holds: what scrolled away, then the screen."""
        return self._tmux("capture-pane", "-p", "-S", "-", "-E", "-").rstrip("\n").split("\n")

    def resize(self, columns, rows):
        self._tmux("resize-window", "-x", str(columns), "-y", str(rows))

    def exit_status(self):
        try:
            with open(self.status_file) as f:
                text = f.read().strip()
            return int(text) if text else None
        except FileNotFoundError:
            return None

    def wait_exit(self, timeout=30.0):
        wait_until(lambda: self.exit_status() is not None, timeout, what="the command to end")
        return self.exit_status()

    def close(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def run_in_pty(argv, columns=80, rows=24, env=None, timeout=30.0):
    """Runs argv with stdout and stderr on a new pseudo-terminal of that size; returns
    (exit status, the bytes it wrote)."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                            env=env)
    os.close(follower)
    out = bytearray()
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other end is closed
                break
            if not chunk:
                break
            out += chunk
            if time.monotonic() > deadline:
                raise AssertionError("the command did not end")
        return proc.wait(timeout=timeout), bytes(out)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
