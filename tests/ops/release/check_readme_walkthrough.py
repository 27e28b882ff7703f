#!/usr/bin/env python3
"""The README's commands, exactly as written, in a fresh Debian 12 root booted with
systemd-nspawn -b (booted_root.py): every ```sh block of the sections in WALKED, in the
README's order, each command in a root shell of the container. The README is the only source:
the blocks are found by their section's heading, so a command changed there is the command
run here.

The root is what a WHM server running Debian has: debootstrap's minimal Debian 12 with systemd,
curl, and a transfer session tree in /var/cpanel/transfer_sessions. The shell starts in /root,
where the release files are (as downloaded: the .deb, the .rpm, the tarball); a `cd` carries
over to the next command, as in a terminal.

Commands in NOT_RUN are not run, each for the reason given (the list must stay tiny, and each
entry must still be in the README). Any other command that exits non-zero fails the test,
which names the section and the command.

  check_readme_walkthrough.py
"""
import glob
import os
import re
import shutil
import sys
import time

from booted_root import BootedRoot, debian_root_tarball, in_chroot, install_debs, unpack_root
from wte_testing.release import (DIST, SOURCE_DIR, Checker, fail, make_session_tree, need_release,
                                 need_root, remove_tree, temp_dir)

# The README sections walked, by heading, in the README's order.
WALKED = ("## Quick start (Debian 12)",
          "### Ubuntu 22.04/24.04, Debian 11/12 (DEB)",
          "## Configuration",
          "### systemd")
# Commands not run, and why. Each builds the project from source: minutes of compiling that
# CI does anyway, since these are CI's own commands.
NOT_RUN = {
    "scripts/demo": "builds from source and runs the demo; CI builds the same way, and "
                    "tests/integration runs the exporter against the simulator",
    "scripts/test": "is CI's own job (the build and every test, this one included)",
}
# What the README says some commands print (command as written, without its comment: text
# its output must hold).
OUTPUT_HAS = {
    "curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:9923/": "404",
    "curl -s http://127.0.0.1:9923/metrics | grep '^whm_transfer_config_last_reload_successful'":
        "whm_transfer_config_last_reload_successful 1",
}
# What a WHM server running Debian has beyond debootstrap's minimal root and systemd.
EXTRA_PACKAGES = ("curl",)


def sections(readme):
    """{heading: its text up to the next heading of the same or a higher level}."""
    out, lines = {}, readme.splitlines()
    heads = [(i, len(m.group(1))) for i, line in enumerate(lines)
             if (m := re.match(r"(#+) ", line))]
    for n, (i, level) in enumerate(heads):
        end = next((j for j, lv in heads[n + 1:] if lv <= level), len(lines))
        out[lines[i]] = "\n".join(lines[i + 1:end])
    return out


def commands(text):
    """The commands of the ```sh blocks of a section: continuation lines joined, comment
    lines and blank lines dropped."""
    out = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S):
        pending = ""
        for line in block.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            pending += line + "\n"
            if not line.endswith("\\"):
                out.append(pending.rstrip("\n"))
                pending = ""
        if pending:
            out.append(pending.rstrip("\n"))
    return out


def walk_plan(readme):
    """[(heading, command, why not run or None)], and fails when the README has changed
    under this test (a walked section or a NOT_RUN command gone)."""
    found = sections(readme)
    plan = []
    for heading in WALKED:
        if heading not in found:
            fail(f"the README has no section {heading!r}: update WALKED")
        for command in commands(found[heading]):
            plan.append((heading, command, NOT_RUN.get(without_comment(command))))
    walked = {without_comment(cmd) for _, cmd, _ in plan}
    for gone in (set(NOT_RUN) | set(OUTPUT_HAS)) - walked:
        fail(f"{gone!r} is no longer in the walked sections: update NOT_RUN or OUTPUT_HAS")
    return plan


def without_comment(command):
    """The command without a trailing `  # comment` (two spaces or more before the #, as the
    README writes them, so that a # inside a command stays)."""
    return re.sub(r"\s{2,}#.*$", "", command).strip()


def extra_debs(tarball, root):
    """The .debs of EXTRA_PACKAGES and what they need beyond the root, downloaded once by the
    root's own apt (its debootstrap package lists) and cached beside the root's tarball (made
    again when the tarball is newer)."""
    cache = f"{tarball}.{'-'.join(EXTRA_PACKAGES)}-debs"
    debs = sorted(glob.glob(os.path.join(cache, "*.deb")))
    if debs and os.path.getmtime(cache) >= os.path.getmtime(tarball):
        return debs
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(cache + ".part", ignore_errors=True)
    r = in_chroot(root, "mkdir -p /tmp/debs/partial && apt-get -q -o APT::Sandbox::User=root "
                  "-o Dir::Cache::archives=/tmp/debs install -y --no-install-recommends "
                  "--download-only " + " ".join(EXTRA_PACKAGES))
    downloaded = sorted(glob.glob(os.path.join(root, "tmp", "debs", "*.deb")))
    if r.returncode != 0 or not downloaded:
        fail(f"cannot download {EXTRA_PACKAGES} into the root (its package lists are those of "
             f"the cached debootstrap; remove {tarball} if it is old):\n"
             f"{r.stdout}{r.stderr}")
    os.makedirs(cache + ".part", exist_ok=True)
    for deb in downloaded:
        shutil.copy(deb, cache + ".part")
    os.rename(cache + ".part", cache)
    shutil.rmtree(os.path.join(root, "tmp", "debs"))
    return sorted(glob.glob(os.path.join(cache, "*.deb")))


def fresh_server(work):
    """The root the walk-through starts from, with the release files in /root."""
    tarball = debian_root_tarball()
    root = unpack_root(tarball, work, "server")
    install_debs(root, extra_debs(tarball, root))
    make_session_tree(os.path.join(root, "var/cpanel/transfer_sessions"), sessions=2, accounts=4)
    for f in glob.glob(os.path.join(DIST, "*")):
        shutil.copy(f, os.path.join(root, "root"))
    return root


def run_command(box, command):
    """One command in a login-like root shell of the container, in the folder the previous
    command left; returns the CompletedProcess."""
    cwd_file = "/root/.walkthrough-cwd"
    script = (f'cd "$(cat {cwd_file} 2>/dev/null || echo /root)" || exit 99\n'
              f"{{\n{command}\n}}\n"
              f"rc=$?\npwd > {cwd_file}\nexit $rc\n")
    return box.sh(f"exec bash -c {shell_quote(script)}", timeout=300, quiet=True)


def shell_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def main():
    need_root()
    need_release()
    started = time.monotonic()
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
        plan = walk_plan(f.read())
    c = Checker()
    work = temp_dir("wte_walkthrough_")
    try:
        root = fresh_server(work)
        with BootedRoot(root, "wte-readme", work) as box:
            ran = 0
            for heading, command, why in plan:
                print(f"\n[{heading}] $ {command}", flush=True)
                if why:
                    print(f"  not run: {why}", flush=True)
                    continue
                r = run_command(box, command)
                ran += 1
                output = (r.stdout + r.stderr).rstrip()
                if output:
                    print(re.sub(r"^", "  | ", output, flags=re.M), flush=True)
                ok = c.expect(r.returncode == 0,
                              f"README section {heading!r}: `{command}` exited {r.returncode}")
                want = OUTPUT_HAS.get(without_comment(command))
                if ok and want is not None:
                    ok = c.expect(want in r.stdout,
                                  f"README section {heading!r}: `{command}` did not print {want!r}")
                if not ok:
                    print(box.sh("journalctl -b --no-pager -n 60 -o cat").stdout, file=sys.stderr)
                    break
            skipped = sum(1 for _, _, why in plan if why)
            c.report(f"README walk-through: {ran} of {len(plan) - skipped} commands run as "
                     f"written in {len(WALKED)} sections ({skipped} in NOT_RUN)")
    finally:
        remove_tree(work)
    print(f"wall time {time.monotonic() - started:.0f}s")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
