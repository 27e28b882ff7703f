"""Helpers shared by the ops test scripts: finding tools, running them, failing clearly."""
import shutil
import subprocess
import sys


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def need_tool(name):
    """The path of `name`, or a failure that says how to get it (never a silent skip)."""
    path = shutil.which(name)
    if not path:
        fail(f"{name} not found in PATH; run scripts/install-deps to install it")
    return path


def run(cmd, **kwargs):
    """Runs cmd, echoing it; returns the CompletedProcess (text mode, output captured)."""
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)


class Checker:
    """Collects failures so one run reports all of them."""

    def __init__(self):
        self.failures = []
        self._reported = 0

    def expect(self, ok, message):
        if not ok:
            self.failures.append(message)
            print(f"  not ok: {message}", file=sys.stderr, flush=True)
        return ok

    def report(self, done):
        """Prints what was checked, as passed or as failed since the last report."""
        failed = len(self.failures) - self._reported
        self._reported = len(self.failures)
        print(f"{done}: {'ok' if failed == 0 else f'{failed} check(s) failed'}", flush=True)

    def finish(self):
        if self.failures:
            fail(f"{len(self.failures)} check(s) failed")
        print("all checks passed")
        return 0
