"""Turns the JSON of bench/run into BENCHMARKS.md (medians, ratios, machine, commands)."""
import json
import os
import platform
import subprocess
import sys

out = sys.argv[1]


def medians(path):
    with open(path) as f:
        doc = json.load(f)
    res = {}
    for b in doc["benchmarks"]:
        if b.get("aggregate_name") == "median":
            res[b["run_name"]] = b
    return doc["context"], res


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


ctx, engine = medians(os.path.join(out, "engine.json"))
_, local = medians(os.path.join(out, "local.json"))
with open(os.path.join(out, "progress.time")) as f:
    rss_kb, secs = f.read().split("\n")[-2].split()[:2]

def rate(b, key):
    return b.get(key, 0.0)

e, d, p = (engine.get(k, {}) for k in ("BM_Engine/min_time:2.000", "BM_DomEngine/min_time:2.000",
                                          "BM_RapidJsonDom/min_time:2.000"))
print("# Benchmarks\n")
print(f"Machine: {cpu_model()}, `nproc` = {os.cpu_count()}, "
      f"{ctx.get('num_cpus')} CPUs at {ctx.get('mhz_per_cpu')} MHz per Google Benchmark; "
      f"one core used. Date: {ctx.get('date')}.\n")
print("Command: `bench/run` (Release build; medians of 5 repetitions). Regenerate with it; "
      "never edit the numbers by hand.\n")
print("## 1. Master-log engine (issue 2)\n")
print("A 64 MiB generated log (`loggen` mixed style: modern and 2014-style lines, retries, "
      "warnings, dangerous items; about 317 bytes a line), fed from memory in 64 KiB chunks.\n")
print("| benchmark | lines/s | MB/s | engine is |")
print("|---|---|---|---|")
le = rate(e, "lines/s")
for name, b in (("engine: RapidJSON SAX in situ + model (`BM_Engine`)", e),
                ("DOM parse + the same model (`BM_DomEngine`), what one would write instead", d),
                ("bare DOM parse, finds the action only, counts nothing (`BM_RapidJsonDom`)", p)):
    lines = rate(b, "lines/s")
    mbs = rate(b, "bytes_per_second") / 1e6
    ratio = "—" if b is e else f"{le / lines:.2f}×" if lines else "?"
    print(f"| {name} | {lines:,.0f} | {mbs:,.0f} | {ratio} |")
print()
print(f"`progress` on a 100 MB generated log: peak RSS **{int(rss_kb) / 1024:.1f} MiB**, "
      f"{float(secs):.2f} s wall (`/usr/bin/time -f %M`).\n")
print("## 3. Local poll cost (issue 4)\n")
print("One poll of a session folder after 1 KiB was appended, and with nothing new; the "
      "argument is the size of the log already read, in MB (2 or 200). Target: equal within "
      "noise, i.e. the cost follows the new bytes, not the log.\n")
print("| benchmark | median time |")
print("|---|---|")
for name, b in sorted(local.items()):
    print(f"| `{name}` | {b['real_time']:.2f} {b['time_unit']} |")
print()
