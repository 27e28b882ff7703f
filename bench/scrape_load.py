#!/usr/bin/env python3
"""Scrape load (issue 6 "Load", issue 7 item 5): wrk hammers /metrics while the daemon polls
100 simulated hosts (2 running sessions each). Reports requests/s, latency p50/p99, socket
errors and non-2xx/3xx answers, and whether polling kept going meanwhile.

Usage: bench/scrape_load.py [--hosts 100] [--interval 5] [--duration 30] [--connections 64]
                            [--build-dir build-bench] [--out build-bench/results/scrape_load.json]
(bench/run puts tests/ on PYTHONPATH for the harness; by hand: PYTHONPATH=tests python3 ...)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import bench_common as bc


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hosts", type=int, default=100)
    p.add_argument("--interval", type=float, default=5, help="poll_interval, seconds")
    p.add_argument("--duration", type=int, default=30, help="wrk's -d, seconds")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--timeout", default="10s", help="wrk's --timeout")
    p.add_argument("--rate", type=float, default=1.0, help="log lines a second, per session")
    p.add_argument("--build-dir", default="build-bench")
    p.add_argument("--out", default=None, help="default: BUILD_DIR/results/scrape_load.json")
    args = p.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: scripts/install-deps installs it")
    h = bc.harness(args.build_dir)
    bc.raise_nofile()
    work = h.new_workdir()
    sim = exporter = None
    try:
        sim_args = ["--hosts", str(args.hosts), "--sessions-per-host", "2", "--accounts", "10",
                    "--rate", str(args.rate), "--seed", "7"]
        sim = h.Simulator(work, *sim_args)
        config = bc.write_daemon_config(h, work, sim, args.interval)
        exporter = h.Exporter(work, config)
        pid = exporter.process.proc.pid
        before = h.wait_for(lambda: bc.all_polled(h, exporter, args.hosts),
                            timeout=4 * args.interval + 60, interval=0.5, what="a first full round")
        with urllib.request.urlopen(exporter.url("/metrics"), timeout=30) as r:
            body_bytes = len(r.read())
        cmd = h.wrk_command(exporter.url("/metrics"), args.threads, args.connections,
                            f"{args.duration}s", args.timeout)
        c0, t0 = bc.cpu_seconds(pid), time.monotonic()
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 120)
        c1, t1 = bc.cpu_seconds(pid), time.monotonic()
        if run.returncode != 0:
            raise SystemExit(f"wrk failed ({run.returncode}): {run.stderr}")
        report = h.parse_wrk(run.stdout)
        after = bc.scrape(h, exporter)
        status, _, _ = exporter.get("/-/healthy")
        polls = bc.total_delta(before, after, bc.POLL + "_count")
        errors = bc.total_delta(before, after, "whm_transfer_host_errors_total")
        sessions = exporter.sessions()["sessions"]
        result = {
            "command": " ".join(["bench/scrape_load.py", *sys.argv[1:]]),
            "wrk_command": " ".join(cmd).replace(str(exporter.port), "PORT"),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {"nproc": os.cpu_count(), "cpu": bc.cpu_model()},
            "hosts": args.hosts,
            "sessions": 2 * args.hosts,
            "poll_interval_s": args.interval,
            "metrics_body_bytes": body_bytes,
            "requests": report["requests"],
            "requests_per_sec": report["requests_per_sec"],
            "latency_p50_s": report["latency_s"].get("p50"),
            "latency_p99_s": report["latency_s"].get("p99"),
            "latency_s": report["latency_s"],
            "socket_errors": report["socket_errors"],
            "socket_errors_total": sum(report["socket_errors"].values()),
            "non_2xx_3xx": report["non_2xx_3xx"],
            "daemon_cpu_percent": round(100 * (c1 - c0) / (t1 - t0), 1),
            "polls_during": int(polls),
            "polls_expected": round(args.hosts * (t1 - t0) / args.interval),
            "poll_errors_during": int(errors),
            "sessions_running_at_end": sum(1 for s in sessions if not s["finished"]),
            "healthy_after": status == 200,
        }
        result["ok"] = (result["socket_errors_total"] == 0 and result["non_2xx_3xx"] == 0
                        and result["polls_during"] > 0 and result["healthy_after"])
    finally:
        bc.tear_down(exporter, sim, work)
    out = args.out or os.path.join(args.build_dir, "results", "scrape_load.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2), file=sys.stderr)
    print(out)


if __name__ == "__main__":
    main()
