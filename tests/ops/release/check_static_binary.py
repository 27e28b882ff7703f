#!/usr/bin/env python3
"""The release binary: fully static (readelf -d has no NEEDED), for any Linux kernel >= 3.2
(the ELF ABI note), hardened (hardening-check on the packaged binary, and on the project's
own static libraries for the stack protector and _FORTIFY_SOURCE, which a stripped static
binary cannot show), and it names its build (--version: version and git revision).

  check_static_binary.py
"""
import glob
import os
import re
import sys

from wte_testing.release import (BINARY, BINARY_DIR, EXPECTED_REVISION, RELEASE_DIR, Checker,
                                 need_release, need_tool, project_version, run)


def main():
    need_release()
    readelf = need_tool("readelf")
    hardening_check = need_tool("hardening-check")
    c = Checker()

    dynamic = run([readelf, "-d", BINARY]).stdout
    print(dynamic)
    c.expect("NEEDED" not in dynamic, "readelf -d shows NEEDED entries: the binary is not static")
    c.expect("(FLAGS_1)" in dynamic and "PIE" in dynamic, "not a static PIE (no FLAGS_1 PIE)")
    c.expect(run([readelf, "-l", BINARY]).stdout.find("INTERP") < 0,
             "the binary names a program interpreter (dynamic loader)")

    notes = run([readelf, "-n", BINARY]).stdout
    m = re.search(r"OS: Linux, ABI: (\d+)\.(\d+)\.(\d+)", notes)
    c.expect(m is not None, f"no ABI note in readelf -n:\n{notes}")
    if m:
        abi = tuple(int(x) for x in m.groups())
        print(f"minimum kernel (ELF ABI note): {'.'.join(m.groups())}")
        c.expect(abi <= (3, 2, 0), f"needs a kernel newer than 3.2: {abi}")

    r = run([BINARY, "--version"])
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"--version exited {r.returncode}")
    c.expect(project_version() in r.stdout, f"--version does not name {project_version()}")
    c.expect(EXPECTED_REVISION and EXPECTED_REVISION != "unknown" and EXPECTED_REVISION in r.stdout,
             f"--version does not name the revision {EXPECTED_REVISION!r}")

    # hardening-check on the binaries: RELRO and immediate binding. Two of its tests cannot
    # apply to a static binary built from Debian 12's archives, and are skipped with the
    # evidence given instead:
    #  - the stack protector: it looks for an *undefined* __stack_chk_fail, which a static
    #    binary defines itself: shown by the symbol being linked in and by every library of
    #    ours below;
    #  - control-flow integrity (-fcf-protection): the linker keeps the IBT/SHSTK property
    #    only if every object has it, and Debian 12's libc.a, libssl.a, libsqlite3.a... have
    #    not (bookworm's dpkg-buildflags does not ask for it; its own /usr/bin/openssl fails
    #    this test too).
    # Its PIE test takes a static PIE (no PHDR, no interpreter) for a library: readelf shows
    # the PIE above.
    packaged = os.path.join(RELEASE_DIR, "stage", "usr", "bin", "whm_transfer_exporter")
    for binary in (packaged, BINARY):
        r = run([hardening_check, "--nostackprotector", "--nocfprotection", binary])
        print(r.stdout + r.stderr)
        c.expect(r.returncode == 0, f"hardening-check {binary} failed")
        for line in ("Read-only relocations: yes", "Immediate binding: yes"):
            c.expect(line in r.stdout, f"hardening-check {binary}: not '{line}'")
    symbols = run([readelf, "-sW", BINARY]).stdout
    c.expect(" __stack_chk_fail" in symbols, "__stack_chk_fail is not linked in")
    c.expect(" __memcpy_chk" in symbols or " __sprintf_chk" in symbols or " __snprintf_chk" in symbols,
             "no fortified libc function (__*_chk) is linked in")

    # The project's own code, as compiled into the binary: every static library has the
    # stack protector; _FORTIFY_SOURCE replaced the libc calls whose sizes the compiler knows
    # (a library with none to replace reads "only unprotected functions").
    archives = sorted(glob.glob(os.path.join(BINARY_DIR, "lib", "*", "libwte_*.a")))
    c.expect(len(archives) >= 10, f"expected the project's static libraries, found {archives}")
    fortified = []
    for archive in archives:
        r = run([hardening_check, "--nopie", "--norelro", "--nobindnow", "--nofortify",
                 "--nocfprotection", archive])
        name = os.path.basename(archive)
        c.expect(r.returncode == 0 and "Stack protected: yes" in r.stdout,
                 f"{name}: no stack protector\n{r.stdout}")
        if "Fortify Source functions: yes" in r.stdout:
            fortified.append(name)
    print(f"{len(archives)} libraries, all stack-protected; fortified libc calls in "
          f"{len(fortified)}: {', '.join(fortified)}")
    c.expect(len(fortified) >= len(archives) // 2, "few fortified libc calls: _FORTIFY_SOURCE off?")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
