#!/usr/bin/env python3
"""Fan-out (issue 7 item 4): the daemon polling N simulated WHM hosts, 2 running sessions
each, over TLS with keep-alive, the simulator on the same machine. For each N, after the
first full round, measures over a window: the daemon's CPU % and peak RSS, poll latency p50/p99
(from its own histogram), TLS handshakes per minute, and the simulator's CPU % for context.

Usage: bench/fanout.py [--hosts 100,1000,2000] [--duration 120] [--interval 15]
                       [--build-dir build-bench] [--out build-bench/results/fanout.json]
A quick smoke run: bench/fanout.py --hosts 20 --duration 10 --interval 2
(bench/run puts tests/ on PYTHONPATH for the harness; by hand: PYTHONPATH=tests python3 ...)
"""
import argparse
import json
import os
import platform
import resource
import sys
import time

import bench_common as bc

TARGET_CPU_PERCENT = 50.0  # of one core, at 2,000 hosts
TARGET_RSS_MB = 512.0
SESSIONS_PER_HOST = 2


def sim_args(hosts, accounts, rate):
    return ["--hosts", str(hosts), "--sessions-per-host", str(SESSIONS_PER_HOST),
            "--accounts", str(accounts), "--rate", str(rate), "--seed", "7"]


def run_one(h, hosts, args):
    """One measurement at `hosts` hosts; returns a dict for the JSON."""
    work = h.new_workdir()
    sim = exporter = None
    try:
        sim = h.Simulator(work, *sim_args(hosts, args.accounts, args.rate))
        # Every session must still be running at the end of the window: a finished session
        # is no longer polled, and the load would fall off.
        state = sim.control("GET", "/state")
        shortest = min(s["lines_total"] for host in state["hosts"] for s in host["sessions"])
        needed = 3 * args.interval + args.duration + 30
        if shortest / args.rate < needed:
            raise SystemExit(f"sessions too short: {shortest} lines at {args.rate}/s last "
                             f"{shortest / args.rate:.0f} s < {needed:.0f} s; "
                             "lower --rate or raise --accounts")
        config = bc.write_daemon_config(h, work, sim, args.interval,
                                        f"max_concurrent_requests: {args.max_concurrent_requests}")
        exporter = h.Exporter(work, config)
        daemon_pid, sim_pid = exporter.process.proc.pid, sim.process.proc.pid
        t_start = time.monotonic()
        # The first full round: every host polled at least once (starts are spread over
        # one interval).
        first = h.wait_for(lambda: bc.all_polled(h, exporter, hosts), timeout=4 * args.interval + 120,
                           interval=max(1.0, args.interval / 5), what="a first full round")
        first_round_s = time.monotonic() - t_start
        before = first
        d0, s0 = bc.cpu_seconds(daemon_pid), bc.cpu_seconds(sim_pid)
        w0 = time.monotonic()
        rss_samples = []
        while time.monotonic() - w0 < args.duration:
            time.sleep(min(5.0, max(0.1, args.duration - (time.monotonic() - w0))))
            rss_samples.append(bc.status_kb(daemon_pid, "VmRSS"))
        d1, s1 = bc.cpu_seconds(daemon_pid), bc.cpu_seconds(sim_pid)
        wall = time.monotonic() - w0
        peak_kb = bc.status_kb(daemon_pid, "VmHWM")
        sim_peak_kb = bc.status_kb(sim_pid, "VmHWM")
        fds = len(os.listdir(f"/proc/{daemon_pid}/fd"))
        after = bc.scrape(h, exporter)
        sessions = exporter.sessions()["sessions"]
        released = [s["bytes_released"] for host in sim.control("GET", "/state")["hosts"]
                    for s in host["sessions"]]
        buckets = bc.bucket_deltas(before, after, "whm_transfer_host_poll_duration_seconds")
        polls = bc.total_delta(before, after, "whm_transfer_host_poll_duration_seconds_count")
        poll_sum = bc.total_delta(before, after, "whm_transfer_host_poll_duration_seconds_sum")
        handshakes = bc.total_delta(before, after, "whm_transfer_host_tls_handshakes_total")
        errors = bc.total_delta(before, after, "whm_transfer_host_errors_total")
        return {
            "hosts": hosts,
            "sessions": hosts * SESSIONS_PER_HOST,
            "poll_interval_s": args.interval,
            "max_concurrent_requests": args.max_concurrent_requests,
            "window_s": round(wall, 1),
            "first_round_s": round(first_round_s, 1),
            "daemon_cpu_percent": round(100 * (d1 - d0) / wall, 2),
            "daemon_peak_rss_mb": round(peak_kb / 1024, 1),
            "daemon_rss_end_mb": round((rss_samples[-1] if rss_samples else peak_kb) / 1024, 1),
            "daemon_open_fds": fds,
            "sim_cpu_percent": round(100 * (s1 - s0) / wall, 2),
            "sim_peak_rss_mb": round(sim_peak_kb / 1024, 1),
            "polls": int(polls),
            "polls_expected": round(hosts * wall / args.interval),
            "poll_p50_s": bc.histogram_quantile(0.5, buckets),
            "poll_p99_s": bc.histogram_quantile(0.99, buckets),
            "poll_mean_s": round(poll_sum / polls, 4) if polls else None,
            "poll_buckets": {bc.le_text(le): int(n) for le, n in sorted(buckets.items())},
            "tls_handshakes_first_round": int(bc.total(first, "whm_transfer_host_tls_handshakes_total")),
            "tls_handshakes": int(handshakes),
            "tls_handshakes_per_min": round(60 * handshakes / wall, 2),
            "errors": int(errors),
            "sessions_running_at_end": sum(1 for s in sessions if not s["finished"]),
            # Each poll fetches the whole log so far (the API has no offset): its size matters.
            "log_bytes_per_session_end": round(sum(released) / len(released)),
            "targets": {"cpu_percent_lt": TARGET_CPU_PERCENT, "rss_mb_lt": TARGET_RSS_MB},
            "meets_targets": 100 * (d1 - d0) / wall < TARGET_CPU_PERCENT
                             and peak_kb / 1024 < TARGET_RSS_MB,
        }
    finally:
        bc.tear_down(exporter, sim, work)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hosts", default="100,1000,2000", help="comma-separated host counts")
    p.add_argument("--duration", type=float, default=120, help="measured window, seconds")
    p.add_argument("--interval", type=float, default=15, help="poll_interval, seconds")
    p.add_argument("--rate", type=float, default=0.5, help="log lines a second, per session")
    p.add_argument("--accounts", type=int, default=20, help="accounts per simulated session")
    p.add_argument("--max-concurrent-requests", type=int, default=64)
    p.add_argument("--build-dir", default="build-bench")
    p.add_argument("--out", default=None, help="default: BUILD_DIR/results/fanout.json")
    args = p.parse_args()
    h = bc.harness(args.build_dir)
    bc.raise_nofile()  # inherited by both children: N listeners and up to 4N connections
    results = {
        "command": " ".join(["bench/fanout.py", *sys.argv[1:]]),
        "machine": {"nproc": os.cpu_count(), "cpu": bc.cpu_model(), "kernel": platform.release()},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_dir": args.build_dir,
        "sim_args": sim_args("N", args.accounts, args.rate),
        "poll_duration_buckets_s": bc.POLL_BUCKETS,
        "nofile_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "runs": [],
    }
    out = args.out or os.path.join(args.build_dir, "results", "fanout.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    for n in [int(x) for x in args.hosts.split(",")]:
        print(f"fanout: {n} hosts ...", file=sys.stderr, flush=True)
        r = run_one(h, n, args)
        print(f"fanout: {json.dumps({k: v for k, v in r.items() if k != 'poll_buckets'})}",
              file=sys.stderr, flush=True)
        results["runs"].append(r)
        with open(out, "w") as f:  # after each N: a long run interrupted keeps what it has
            json.dump(results, f, indent=2)
    print(out)


if __name__ == "__main__":
    main()
