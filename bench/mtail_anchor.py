#!/usr/bin/env python3
"""The engine against mtail on the same large generated log (issue 7; target: >= 8x mtail).

Times `whm_transfer_exporter progress --json LOG` and Debian's
`mtail --one_shot --one_shot_format=prometheus --progs bench/mtail --logs LOG` (a regex
program counting per queue by action, bench/mtail/transfer_counts.mtail), each REPS times:
wall time and user+sys CPU time of the child (mtail runs several threads, so both matter).
Checks that both read the whole log (their line counts equal the file's) and writes the
medians, lines/s and ratios as JSON for bench/write_report.py.

usage: bench/mtail_anchor.py BUILD_DIR OUT_JSON [--log FILE] [--bytes 100M] [--reps 3]
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGS = os.path.join(ROOT, "bench", "mtail")


def timed(cmd, stdout_path, ok_codes):
    """Runs cmd once; returns (wall seconds, user+sys CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(stdout_path, "wb") as out:
        rc = subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL,
                            cwd=tempfile.gettempdir()).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc not in ok_codes:
        sys.exit(f"mtail_anchor: {cmd[0]} exited with {rc}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(cmd, reps, stdout_path, ok_codes=(0,)):
    runs = [timed(cmd, stdout_path, ok_codes) for _ in range(reps)]
    return {"wall_s": statistics.median(r[0] for r in runs),
            "cpu_s": statistics.median(r[1] for r in runs),
            "runs": [{"wall_s": w, "cpu_s": c} for w, c in runs]}


def mtail_values(path):
    """{(name, frozenset(labels)): value} of a Prometheus text exposition."""
    out = {}
    pat = re.compile(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$')
    with open(path) as f:
        for line in f:
            m = pat.match(line.strip())
            if not m:
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
            labels.pop("prog", None)
            out[(m.group(1), frozenset(labels.items()))] = float(m.group(3))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("out")
    ap.add_argument("--log", help="an existing generated log (else one is generated)")
    ap.add_argument("--bytes", default="100M")
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()

    mtail = shutil.which("mtail")
    if not mtail:
        sys.exit("mtail_anchor: mtail is not installed (scripts/install-deps installs it)")
    build = os.path.abspath(a.build)
    exporter = os.path.join(build, "whm_transfer_exporter")
    loggen = os.path.join(build, "tools", "loggen", "loggen")
    with tempfile.TemporaryDirectory(prefix="wte_mtail_") as tmp:
        log = os.path.abspath(a.log) if a.log else None
        loggen_cmd = [loggen, "--bytes", a.bytes, "--style", "mixed", "--seed", "11", "--out"]
        if not log:
            log = os.path.join(tmp, "master.log")
            subprocess.run(loggen_cmd + [log], check=True)
        size = os.path.getsize(log)
        with open(log, "rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))

        engine_cmd = [exporter, "progress", "--json", log]
        # Port 0 and loopback: one-shot mtail still opens its HTTP listener.
        mtail_cmd = [mtail, "--one_shot", "--one_shot_format=prometheus", "--progs", PROGS,
                     "--logs", log, "--logtostderr", "--address", "127.0.0.1", "--port", "0"]
        engine_out = os.path.join(tmp, "engine.json")
        mtail_out = os.path.join(tmp, "mtail.prom")
        # progress exits 0, 1 or 3 depending on the session's end: all are a success here.
        engine = measure(engine_cmd, a.reps, engine_out, ok_codes=(0, 1, 3))
        mt = measure(mtail_cmd, a.reps, mtail_out)

        with open(engine_out) as f:
            summary = json.load(f)
        values = mtail_values(mtail_out)

    engine_lines = summary["session"]["lines"] + summary["session"]["malformed_lines"]
    mtail_lines = int(values.get(("transfer_lines_total", frozenset()), -1))
    if engine_lines != lines or mtail_lines != lines:
        sys.exit(f"mtail_anchor: line counts differ: file {lines}, engine {engine_lines}, "
                 f"mtail {mtail_lines}")
    # The same per-queue counts side by side, so the reader sees mtail did the same job.
    compare = {}
    for queue, q in summary["queues"].items():
        def mv(name):
            return values.get((name, frozenset({("queue", queue)})), 0)
        compare[queue] = {
            "items_succeeded": [q["items_succeeded"], mv("transfer_items_succeeded_total")],
            "items_failed": [q["items_failed"], mv("transfer_items_failed_total")],
            "items_with_warnings": [q["items_with_warnings"],
                                    mv("transfer_items_with_warnings_total")],
            "warnings": [q["warnings"], mv("transfer_warnings_total")],
            "dangerous_items": [q["dangerous_items"], mv("transfer_dangerous_items_total")],
            "child_failures": [q["child_failures"], mv("transfer_child_failures_total")],
        }

    def rates(m):
        m["lines_per_s_wall"] = lines / m["wall_s"]
        m["lines_per_s_cpu"] = lines / m["cpu_s"]
        m["mb_per_s_wall"] = size / 1e6 / m["wall_s"]
        return m

    result = {
        "log_bytes": size,
        "lines": lines,
        "reps": a.reps,
        "mtail_version": subprocess.run([mtail, "--version"], capture_output=True,
                                        text=True).stdout.strip().splitlines()[0],
        "commands": {
            "log": " ".join(["loggen"] + loggen_cmd[1:] + ["LOG"]),
            "engine": "whm_transfer_exporter progress --json LOG",
            "mtail": "mtail --one_shot --one_shot_format=prometheus --progs bench/mtail "
                     "--logs LOG --logtostderr --address 127.0.0.1 --port 0",
        },
        "engine": rates(engine),
        "mtail": rates(mt),
        "ratio_wall": mt["wall_s"] / engine["wall_s"],
        "ratio_cpu": mt["cpu_s"] / engine["cpu_s"],
        "counts_engine_vs_mtail": compare,
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print(f"mtail_anchor: engine {engine['wall_s']:.2f} s wall / {engine['cpu_s']:.2f} s CPU, "
          f"mtail {mt['wall_s']:.2f} s / {mt['cpu_s']:.2f} s: "
          f"{result['ratio_wall']:.1f}x wall, {result['ratio_cpu']:.1f}x CPU")


if __name__ == "__main__":
    main()
