#!/usr/bin/env python3
"""The engine in the static binary against the same engine in a dynamic one: `progress
--json` of one generated master log (loggen), run REPS times by each binary, alternating.
Prints the medians and their ratio; asserts only that both give the same summary (timings
on a shared machine are reported, never asserted). In scripts/test the dynamic binary is
build/'s (RelWithDebInfo, -O2) and the static one the release's (Release, -O3), so the ratio
shows what a user gets from each, not the cost of static linking alone.

  compare_engine_speed.py STATIC_BINARY DYNAMIC_BINARY LOGGEN [MEGABYTES] [REPS]
"""
import os
import statistics
import subprocess
import sys
import time

from wte_testing.release import Checker, fail, remove_tree, run, temp_dir


def timed(binary, log):
    start = time.perf_counter()
    r = subprocess.run([binary, "progress", "--json", log], capture_output=True)
    elapsed = time.perf_counter() - start
    if r.returncode not in (0, 1, 3):
        fail(f"{binary} progress exited {r.returncode}: {r.stderr.decode()}")
    return elapsed, r.stdout


def main(argv):
    if len(argv) < 3:
        fail(__doc__)
    static, dynamic, loggen = argv[:3]
    megabytes = int(argv[3]) if len(argv) > 3 else 50
    reps = int(argv[4]) if len(argv) > 4 else 5
    for path in (static, dynamic, loggen):
        if not os.access(path, os.X_OK):
            fail(f"{path} is not an executable (the dynamic one is build/whm_transfer_exporter: "
                 "build it first)")
    c = Checker()
    work = temp_dir("wte_speed_")
    try:
        log = os.path.join(work, "big.log")
        r = run([loggen, "--bytes", f"{megabytes}M", "--style", "mixed", "--seed", "11", "--out", log])
        if r.returncode != 0:
            fail(f"loggen failed: {r.stderr}")
        size = os.path.getsize(log)
        times = {static: [], dynamic: []}
        outputs = {}
        timed(static, log)  # the page cache, once
        for _ in range(reps):
            for binary in (static, dynamic):
                elapsed, out = timed(binary, log)
                times[binary].append(elapsed)
                outputs[binary] = out
        c.expect(outputs[static] == outputs[dynamic], "static and dynamic summaries differ")
        med_s = statistics.median(times[static])
        med_d = statistics.median(times[dynamic])
        lines = [f"engine speed, progress --json of a {size / 1e6:.1f} MB log, {reps} runs each, "
                 f"alternating (load average {os.getloadavg()[0]:.1f})"]
        for name, binary, med in (("static", static, med_s), ("dynamic", dynamic, med_d)):
            spread = f"{min(times[binary]):.3f}-{max(times[binary]):.3f}"
            lines.append(f"  {name:8} {binary}: median {med:.3f} s ({size / med / 1e6:.0f} MB/s), "
                         f"range {spread} s")
        lines.append(f"  static/dynamic time ratio: {med_s / med_d:.3f}")
        print("\n".join(lines))
        # For scripts/test to show (ctest prints a passing test's output only with -V).
        report = os.environ.get("WTE_RELEASE_DIR")
        if report:
            with open(os.path.join(report, "engine-speed.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
    finally:
        remove_tree(work)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
