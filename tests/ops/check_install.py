#!/usr/bin/env python3
"""Checks the install rules: `cmake --install BUILD_DIR --prefix /usr` into a temporary
DESTDIR must put the binary, the units and the examples where the package expects them, and
nothing outside the prefix.

  check_install.py BUILD_DIR
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops_common import Checker, fail, need_tool, run  # noqa: E402

EXPECTED = (
    "usr/bin/whm_transfer_exporter",
    "usr/lib/systemd/system/whm_transfer_exporter.service",
    "usr/lib/systemd/system/whm_transfer_exporter@.service",
    "usr/share/doc/whm_transfer_exporter/examples/systemd/remote-only.conf",
    "usr/share/doc/whm_transfer_exporter/examples/prometheus/alerts.yml",
    "usr/share/doc/whm_transfer_exporter/examples/prometheus/scrape.yml",
    "usr/share/doc/whm_transfer_exporter/examples/prometheus/alertmanager.yml",
    "usr/share/doc/whm_transfer_exporter/examples/grafana/whm-transfers.json",
    "usr/share/doc/whm_transfer_exporter/examples/grafana/alert-rules.yml",
)


def main(argv):
    if len(argv) != 1:
        fail(__doc__)
    cmake = need_tool("cmake")
    c = Checker()
    with tempfile.TemporaryDirectory() as dest:
        env = dict(os.environ, DESTDIR=dest)
        r = run([cmake, "--install", argv[0], "--prefix", "/usr"], env=env)
        print(r.stdout + r.stderr)
        c.expect(r.returncode == 0, f"cmake --install exited {r.returncode}")
        for path in EXPECTED:
            c.expect(os.path.isfile(os.path.join(dest, path)), f"not installed: /{path}")
        binary = os.path.join(dest, EXPECTED[0])
        c.expect(os.access(binary, os.X_OK), f"/{EXPECTED[0]} is not executable")
        outside = sorted(os.path.relpath(os.path.join(d, f), dest)
                         for d, _, files in os.walk(dest) for f in files
                         if not os.path.relpath(os.path.join(d, f), dest).startswith("usr/"))
        c.expect(not outside, f"installed outside the prefix: {outside}")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
