#!/usr/bin/env python3
"""Checks the install rules: `cmake --install BUILD_DIR --prefix /usr` into a temporary
DESTDIR must put the binary, the units and the examples where the packages put them, the
config in /etc/whm_transfer_exporter (and keep an edited one on the next install), and
nothing else outside the prefix; with another prefix, the config goes to PREFIX/etc.

  check_install.py BUILD_DIR
"""
import os
import sys
import tempfile

from wte_testing.ops import Checker, fail, need_tool, run

DOC = "usr/share/doc/whm-transfer-exporter"
CONFIG = "etc/whm_transfer_exporter/config.yml"
EXPECTED = (
    "usr/bin/whm_transfer_exporter",
    "usr/lib/systemd/system/whm_transfer_exporter.service",
    "usr/lib/systemd/system/whm_transfer_exporter@.service",
    f"{DOC}/README.md",
    f"{DOC}/LICENSE",
    f"{DOC}/examples/whm_transfer_exporter.example.yml",
    f"{DOC}/examples/systemd/remote-only.conf",
    f"{DOC}/examples/container/whm_transfer_exporter.container",
    f"{DOC}/examples/prometheus/alerts.yml",
    f"{DOC}/examples/prometheus/scrape.yml",
    f"{DOC}/examples/prometheus/alertmanager.yml",
    f"{DOC}/examples/grafana/alert-rules.yml",
    f"{DOC}/examples/grafana/whm-transfers.json",
    CONFIG,
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
        c.expect(outside == [CONFIG], f"installed outside the prefix: {outside}")
        # The config is the administrator's once installed: a second install keeps it.
        with open(os.path.join(dest, CONFIG), "a", encoding="utf-8") as f:
            f.write("# edited\n")
        r = run([cmake, "--install", argv[0], "--prefix", "/usr"], env=env)
        with open(os.path.join(dest, CONFIG), encoding="utf-8") as f:
            c.expect(f.read().endswith("# edited\n"), "a second install replaced the config")
    with tempfile.TemporaryDirectory() as dest:
        r = run([cmake, "--install", argv[0], "--prefix", os.path.join(dest, "opt")])
        c.expect(r.returncode == 0, f"cmake --install --prefix DIR exited {r.returncode}")
        c.expect(os.path.isfile(os.path.join(dest, "opt", CONFIG)),
                 "with a prefix other than /usr, the config is not in PREFIX/etc")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
