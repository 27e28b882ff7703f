#!/usr/bin/env python3
"""Markdown for BENCHMARKS.md from bench/fanout.py's and bench/scrape_load.py's JSON.
Usage: bench/write_fanout_report.py RESULTS_DIR   (reads fanout.json and scrape_load.json;
either may be missing) > fragment.md"""
import json
import os
import sys


def load(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:,.1f} ms"


def quantile(seconds, first_bucket):
    """A quantile in the first bucket is only an interpolation inside [0, first bucket]."""
    if seconds is not None and seconds <= first_bucket:
        return f"< {first_bucket * 1000:g} ms"
    return ms(seconds)


def yes_no(ok):
    return "**yes**" if ok else "**no**"


def fanout_section(data):
    runs = data["runs"]
    first = runs[0]
    buckets = ", ".join(f"{b:g}" for b in data["poll_duration_buckets_s"])
    first_bucket = data["poll_duration_buckets_s"][0]
    sim = " ".join(data["sim_args"])
    out = [
        "## Fan-out: one daemon polling many hosts (issue 7)",
        "",
        f"Command: `{data['command']}` (binaries of `{data.get('build_dir', 'build-bench')}`). Per run: `whm-sim {sim}` "
        f"(N = hosts, each on its own port, TLS, keep-alive) and the daemon with every host in "
        f"its config, `poll_interval: {first['poll_interval_s']:g}s`, "
        f"`max_concurrent_requests: {first['max_concurrent_requests']}`, `log_level: info`, on "
        f"the same machine. Measured over {first['window_s']:g} s after the first full round: "
        "CPU from `/proc/PID/stat` (utime + stime) over wall time; peak RSS is `VmHWM`; poll "
        "latency from the daemon's `whm_transfer_host_poll_duration_seconds`, bucket increases "
        "over the window summed over hosts and interpolated like Prometheus' "
        f"`histogram_quantile` (buckets {buckets} s, so a quantile inside the first bucket "
        f"shows as \"< {first_bucket * 1000:g} ms\"; the mean is `_sum / _count`, exact); TLS "
        "handshakes from `whm_transfer_host_tls_handshakes_total`. Each poll of a session "
        "fetches its whole log so far (the API has no offset): the log size at the end is shown.",
        "",
        "| hosts | sessions | daemon CPU (% of a core) | peak RSS | poll p50 | poll p99 | poll mean "
        "| polls (expected) | TLS handshakes: first round / per min after | errors | simulator CPU "
        "| sessions still running | log per session at the end |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        out.append(
            f"| {r['hosts']:,} | {r['sessions']:,} | {r['daemon_cpu_percent']:.1f} % "
            f"| {r['daemon_peak_rss_mb']:,.1f} MB | {quantile(r['poll_p50_s'], first_bucket)} "
            f"| {quantile(r['poll_p99_s'], first_bucket)} "
            f"| {ms(r['poll_mean_s'])} | {r['polls']:,} ({r['polls_expected']:,}) "
            f"| {r['tls_handshakes_first_round']:,} / {r['tls_handshakes_per_min']:g} "
            f"| {r['errors']} | {r['sim_cpu_percent']:.1f} % "
            f"| {r['sessions_running_at_end']:,} of {r['sessions']:,} "
            f"| {r['log_bytes_per_session_end'] / 1024:,.1f} KiB |")
    out.append("")
    target = next((r for r in runs if r["hosts"] == 2000), None)
    if target:
        out.append(
            f"Target at 2,000 hosts: under {target['targets']['cpu_percent_lt']:g} % of one core "
            f"({yes_no(target['daemon_cpu_percent'] < target['targets']['cpu_percent_lt'])}: "
            f"{target['daemon_cpu_percent']:.1f} %) and under "
            f"{target['targets']['rss_mb_lt']:g} MB "
            f"({yes_no(target['daemon_peak_rss_mb'] < target['targets']['rss_mb_lt'])}: "
            f"{target['daemon_peak_rss_mb']:,.1f} MB); met: {yes_no(target['meets_targets'])}.")
    else:
        out.append("No 2,000-host run in these results: the target (under 50 % of a core, under "
                   "512 MB) is not evaluated.")
    out.append("")
    return out


def scrape_section(r):
    return [
        "## Scrape load (issue 6)",
        "",
        f"Command: `{r['command']}`: the daemon polls {r['hosts']} simulated hosts "
        f"({r['sessions']} running sessions, `poll_interval: {r['poll_interval_s']:g}s`) while "
        f"`{r['wrk_command']}` runs; `/metrics` is {r['metrics_body_bytes']:,} bytes.",
        "",
        "| requests/s | latency p50 | latency p99 | socket errors | non-2xx/3xx | daemon CPU "
        "| polls during the run (expected) | poll errors | still healthy | zero errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {r['requests_per_sec']:,.0f} | {ms(r['latency_p50_s'])} | {ms(r['latency_p99_s'])} "
        f"| {r['socket_errors_total']} | {r['non_2xx_3xx']} | {r['daemon_cpu_percent']:.0f} % "
        f"| {r['polls_during']:,} ({r['polls_expected']:,}) | {r['poll_errors_during']} "
        f"| {yes_no(r['healthy_after'])} "
        f"| {yes_no(r['socket_errors_total'] == 0 and r['non_2xx_3xx'] == 0)} |",
        "",
    ]


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    fanout = load(sys.argv[1], "fanout.json")
    scrape = load(sys.argv[1], "scrape_load.json")
    lines = []
    if fanout:
        lines += fanout_section(fanout)
    if scrape:
        lines += scrape_section(scrape)
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
