"""Shared bits of the end-to-end tests: repository paths, required tools, free loopback ports,
and a demo-like simulator world (one failed account, one with dangerous items) that ends fast."""
import os
import socket

from harness import Simulator, wait_for

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def require_tool(path):
    """The tool's path, or a failure that says how to get it (never a silent skip: CI installs
    every tool with scripts/install-deps, so a missing one is a broken setup)."""
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} is missing: run scripts/install-deps (Debian package "
                             f"list test_pkgs)")
    return path


def free_port():
    """A loopback port that was free a moment ago, for tools that cannot listen on port 0 and
    report it (Prometheus). Callers retry when another process takes it in between."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_simulator(workdir, rate="40"):
    """`whm-sim --demo`'s story (three hosts, six sessions; on sim0 one account fails, on sim2
    one has dangerous items) without the 15 s stagger, at `rate` lines a second per session so
    every session ends within seconds."""
    return Simulator(workdir, "--demo", "--rate", rate, "--stagger", "0")


def wait_all_finished(exporter, count, timeout=60):
    """/api/v1/sessions once the exporter has seen all `count` sessions end."""
    def done():
        api = exporter.sessions()
        sessions = api["sessions"]
        return api if len(sessions) == count and all(s["finished"] for s in sessions) else None
    return wait_for(done, timeout=timeout, interval=0.3, what=f"{count} sessions finished")


def failed_items(api):
    """{(host, session, queue, item)} of every failed item the API reports."""
    return {(s["host"], s["session_id"], i["queue"], i["item"])
            for s in api["sessions"] for i in s["summary"]["items"] if i["status"] == "failed"}


def dangerous_items(api):
    """{(host, session, queue, item)} of every item with dangerous items, per the API."""
    return {(s["host"], s["session_id"], i["queue"], i["item"])
            for s in api["sessions"] for i in s["summary"]["items"] if i["dangerous_items"] > 0}
