"""What bench/fanout.py and bench/scrape_load.py share: the integration harness (started
against the benchmark build), /proc readings, and the daemon's own metrics read back.

The harness is the tests' package tests/wte_testing: bench/run puts tests/ on PYTHONPATH
(by hand: PYTHONPATH=tests python3 bench/fanout.py ...)."""
import math
import os
import resource
import shutil

try:
    from wte_testing import harness as _harness
except ModuleNotFoundError as e:
    raise SystemExit("the tests' package wte_testing is not importable: run bench/run, or put "
                     "tests/ on PYTHONPATH (PYTHONPATH=tests python3 bench/...)") from e

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
POLL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]  # kPollDurationBuckets
POLL = "whm_transfer_host_poll_duration_seconds"


def harness(build_dir):
    """wte_testing.harness, pointed at `build_dir`'s binaries."""
    path = os.path.join(ROOT, build_dir) if not os.path.isabs(build_dir) else build_dir
    for binary in ("whm_transfer_exporter", "whm-sim"):
        if not os.access(os.path.join(path, binary), os.X_OK):
            raise SystemExit(f"{path}/{binary} is missing: build it first, e.g. "
                             f"cmake --build {build_dir} --target whm_transfer_exporter whm-sim")
    _harness.use_binary_dir(path)
    return _harness


def tear_down(exporter, sim, work):
    """Stops what a run started (either may be None if it failed early), removes its folder."""
    if exporter:
        exporter.stop()
    if sim:
        sim.stop()
    shutil.rmtree(work, ignore_errors=True)


def raise_nofile():
    """Soft RLIMIT_NOFILE up to the hard limit; children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid):
    """utime + stime of the process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def status_kb(pid, key):
    """A kB field of /proc/PID/status (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def write_daemon_config(h, work, sim, interval_s, extra=""):
    """harness.write_config with every simulated host, at info level (debug lines would
    cost the daemon CPU the benchmark should not count)."""
    path = h.write_config(work, sim, extra=extra, poll_interval=f"{int(interval_s * 1000)}ms",
                          timeout="10s")
    with open(path) as f:
        text = f.read().replace("log_level: debug", "log_level: info")
    with open(path, "w") as f:
        f.write(text)
    return path


def scrape(h, exporter, prefixes=("whm_transfer_host_",)):
    """The daemon's own per-host series only: {(name, frozenset(labels)): value}. The session
    series (most of a big exposition) are skipped before parsing."""
    import urllib.request
    with urllib.request.urlopen(exporter.url("/metrics"), timeout=60) as r:
        text = r.read().decode()
    wanted = "\n".join(line for line in text.splitlines() if line.startswith(prefixes))
    return h.parse_metrics(wanted)


def total(series, name):
    return sum(v for (n, _), v in series.items() if n == name)


def total_delta(before, after, name):
    return total(after, name) - total(before, name)


def all_polled(h, exporter, hosts):
    """The scrape once every host has finished a poll, else None."""
    series = scrape(h, exporter)
    polled = sum(1 for (n, _), v in series.items() if n == POLL + "_count" and v >= 1)
    return series if polled >= hosts else None


def bucket_deltas(before, after, name=POLL):
    """{le: cumulative count} summed over every host, for what happened between the two."""
    out = {}
    for series, sign in ((after, 1), (before, -1)):
        for (n, labels), v in series.items():
            if n == name + "_bucket":
                le = float(dict(labels)["le"])
                out[le] = out.get(le, 0) + sign * v
    return out


def histogram_quantile(q, buckets):
    """Prometheus' histogram_quantile on {le: cumulative count}: linear interpolation inside
    the bucket holding the rank, the first bucket starting at 0; a rank in +Inf gives the
    highest finite bound."""
    les = sorted(buckets)
    if not les or buckets[les[-1]] <= 0:
        return None
    rank = q * buckets[les[-1]]
    prev_le, prev_count = 0.0, 0.0
    for le in les:
        count = buckets[le]
        if count >= rank:
            if math.isinf(le):
                return prev_le
            if count == prev_count:
                return le
            return round(prev_le + (le - prev_le) * (rank - prev_count) / (count - prev_count), 4)
        prev_le, prev_count = le, count
    return prev_le


def le_text(le):
    return "+Inf" if math.isinf(le) else f"{le:g}"
