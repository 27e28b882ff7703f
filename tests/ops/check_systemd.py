#!/usr/bin/env python3
"""Checks the systemd units: `systemd-analyze verify` and `systemd-analyze security`.

  check_systemd.py verify   UNITS_DIR BINARY
  check_systemd.py security UNITS_DIR MAX_EXPOSURE MAX_EXPOSURE_REMOTE_ONLY

verify: the units are copied to a temporary folder with /usr/bin/whm_transfer_exporter
replaced by BINARY (verify insists the ExecStart program exists); the plain unit, the unit with
the remote-only.conf drop-in and an instance of the template (whm_transfer_exporter@0-3) are
verified. systemd-analyze exits 0 even for unknown keys or bad values, so any output at all is
a failure.

security: the exposure score of `systemd-analyze security --offline=true` must not exceed
MAX_EXPOSURE for both units, and MAX_EXPOSURE_REMOTE_ONLY with the remote-only drop-in.
Also checks the template keeps the same hardening as the plain unit.
"""
import os
import re
import shutil
import sys
import tempfile

from wte_testing.ops import Checker, fail, need_tool, run

UNIT = "whm_transfer_exporter.service"
TEMPLATE = "whm_transfer_exporter@.service"
INSTANCE = "whm_transfer_exporter@0-3.service"
DROPIN = "remote-only.conf"
INSTALLED_BINARY = "/usr/bin/whm_transfer_exporter"
# Lines the template may change; every other [Service] line must be the same in both units.
TEMPLATE_ONLY = ("ExecStart=", "Environment=", "EnvironmentFile=", "StateDirectory=")


def stage(units_dir, tmp, binary):
    """Copies the units into tmp with the test binary in place of the installed one."""
    for name in (UNIT, TEMPLATE):
        with open(os.path.join(units_dir, name), encoding="utf-8") as f:
            text = f.read()
        if INSTALLED_BINARY not in text:
            fail(f"{name} does not run {INSTALLED_BINARY}")
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            f.write(text.replace(INSTALLED_BINARY, binary))
    shutil.copy(os.path.join(tmp, TEMPLATE), os.path.join(tmp, INSTANCE))


def add_dropin(units_dir, tmp, unit):
    d = os.path.join(tmp, unit + ".d")
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(units_dir, DROPIN), d)


def verify(units_dir, binary):
    analyze = need_tool("systemd-analyze")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        fail(f"{binary} is not an executable file: build the whm_transfer_exporter target first")
    c = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        stage(units_dir, tmp, os.path.abspath(binary))
        cases = [("plain unit", UNIT, False), ("template instance", INSTANCE, False),
                 ("plain unit + remote-only.conf", UNIT, True)]
        for label, unit, dropin in cases:
            if dropin:
                add_dropin(units_dir, tmp, unit)
            r = run([analyze, "verify", "--man=no", unit], cwd=tmp)
            out = (r.stdout + r.stderr).strip()
            if out:
                print(out)
            c.expect(r.returncode == 0 and not out,
                     f"{label}: systemd-analyze verify exited {r.returncode} with output {out!r}")
    return c.finish()


def exposure(analyze, unit, cwd):
    r = run([analyze, "security", "--offline=true", "--no-pager", "./" + unit], cwd=cwd)
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout + r.stderr)
    if not m:
        fail(f"no exposure level in the output of systemd-analyze security for {unit}:\n"
             f"{r.stdout}{r.stderr}")
    for line in r.stdout.splitlines():
        if line.startswith("✗"):
            print("   " + re.sub(r"\s{2,}", "  ", line))
    return float(m.group(1))


def service_lines(path):
    """The non-comment lines of the [Service] section, in order."""
    lines, inside = [], False
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if line.startswith("["):
                inside = line == "[Service]"
            elif inside and line and not line.startswith("#"):
                lines.append(line)
    return lines


def security(units_dir, max_exposure, max_remote_only):
    analyze = need_tool("systemd-analyze")
    c = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        # security --offline does not need the binary; the units are used as they are.
        for name in (UNIT, TEMPLATE):
            shutil.copy(os.path.join(units_dir, name), tmp)
        for unit in (UNIT, TEMPLATE):
            level = exposure(analyze, unit, tmp)
            print(f"exposure {unit}: {level}")
            c.expect(level <= max_exposure, f"{unit}: exposure {level} > {max_exposure}")
        add_dropin(units_dir, tmp, UNIT)
        level = exposure(analyze, UNIT, tmp)
        print(f"exposure {UNIT} + {DROPIN}: {level}")
        c.expect(level <= max_remote_only,
                 f"{UNIT} + {DROPIN}: exposure {level} > {max_remote_only}")

    plain = [l for l in service_lines(os.path.join(units_dir, UNIT)) if not l.startswith(TEMPLATE_ONLY)]
    templ = [l for l in service_lines(os.path.join(units_dir, TEMPLATE)) if not l.startswith(TEMPLATE_ONLY)]
    c.expect(plain == templ, "the template's [Service] section differs from the plain unit's: "
             f"only in plain {sorted(set(plain) - set(templ))}, only in template "
             f"{sorted(set(templ) - set(plain))}")
    return c.finish()


def main(argv):
    if len(argv) == 3 and argv[0] == "verify":
        return verify(argv[1], argv[2])
    if len(argv) == 4 and argv[0] == "security":
        return security(argv[1], float(argv[2]), float(argv[3]))
    fail(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
