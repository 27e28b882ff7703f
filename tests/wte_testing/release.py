"""Shared by the release tests: where the release is, running a binary in a chroot, and a
served exporter's port. Paths come from the environment ctest sets
(tests/ops/release/CMakeLists.txt), with tests/ on PYTHONPATH:

  WTE_SOURCE_DIR   the source tree
  WTE_RELEASE_DIR  build-release/ (dist/, image/, debootstrap cache)
  WTE_BINARY_DIR   build-release/static (the static binary, whm-sim, whm-sim-tree)
  WTE_EXPECTED_REVISION  the git revision the build was configured with
"""
import glob
import os
import re
import shutil
import tempfile

from . import harness  # noqa: F401  (whm-sim, wait_for, metrics parsing, engine_summary)
from .ops import Checker, fail, need_tool, run  # noqa: F401

SOURCE_DIR = os.environ.get("WTE_SOURCE_DIR", harness.REPO)

RELEASE_DIR = os.environ.get("WTE_RELEASE_DIR", os.path.join(SOURCE_DIR, "build-release"))
BINARY_DIR = os.environ.get("WTE_BINARY_DIR", os.path.join(RELEASE_DIR, "static"))
BINARY = os.path.join(BINARY_DIR, "whm_transfer_exporter")
TREE_TOOL = os.path.join(BINARY_DIR, "whm-sim-tree")
DIST = os.path.join(RELEASE_DIR, "dist")
EXPECTED_REVISION = os.environ.get("WTE_EXPECTED_REVISION", "")
RHEL_CA_PATH = "etc/pki/tls/certs/ca-bundle.crt"


def clean_env():
    """This process's environment without what would steer the binary from outside the root
    it runs in: OpenSSL's SSL_CERT_FILE/SSL_CERT_DIR (the CA store is what is tested),
    systemd's variables."""
    drop = ("SSL_CERT_FILE", "SSL_CERT_DIR", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
            "CREDENTIALS_DIRECTORY", "STATE_DIRECTORY")
    return {k: v for k, v in os.environ.items() if k not in drop}


def project_version():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(whm_transfer_exporter VERSION ([0-9.]+)", f.read()).group(1)


def one(pattern):
    """The one file in dist/ matching pattern, or a failure that says to build the release."""
    found = glob.glob(os.path.join(DIST, pattern))
    if len(found) != 1:
        fail(f"expected one {pattern} in {DIST}, found {found}: run scripts/build-release")
    return found[0]


def need_release():
    if not os.access(BINARY, os.X_OK):
        fail(f"{BINARY} missing: run scripts/build-release")


def need_root():
    if os.geteuid() != 0:
        fail("the release tests need root (chroot, mounts, package installs): run them as root")


def temp_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("TMPDIR", "/tmp"))


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)


def make_session_tree(directory, sessions=3, accounts=8, seed=7):
    """A WHM server's transfer_sessions folder, every session written to its end, with the
    modes cPanel gives it: root-owned, folders 0700, files 0600."""
    os.makedirs(directory, exist_ok=True)
    r = run([TREE_TOOL, "--dir", directory, "--sessions", sessions, "--accounts", accounts,
             "--once", "--seed", seed, "--end-state", "COMPLETED"])
    if r.returncode != 0:
        fail(f"whm-sim-tree failed: {r.stdout}{r.stderr}")
    for d, dirs, files in os.walk(directory):
        os.chmod(d, 0o700)
        for f in files:
            os.chmod(os.path.join(d, f), 0o600)


def master_logs(tree):
    """{session id: path of its master.log} in a session tree."""
    out = {}
    for sid in os.listdir(tree):
        path = os.path.join(tree, sid, "master.log")
        if os.path.isfile(path):
            out[sid] = path
    return out


def served_port(process):
    """The port a serving exporter logged (it listens on port 0), or None."""
    if not process.alive():
        raise AssertionError("exporter exited:\n" + process.output())
    m = re.search(r"msg=listening .*port=(\d+)", process.output())
    return int(m.group(1)) if m else None


def http_get(port, path, timeout=5):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
