#!/usr/bin/env python3
"""Checks config/prometheus: the rules load, their unit tests pass, the scrape example is a
valid Prometheus config, and every alert has a unit-test case where it fires and one where it
must not.

  check_prometheus.py CONFIG_PROMETHEUS_DIR
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops_common import Checker, fail, need_tool, run  # noqa: E402


def alert_names(rules_text):
    return re.findall(r"^\s*-\s*alert:\s*(\S+)\s*$", rules_text, re.M)


def test_cases(test_text):
    """{alertname: (has a firing case, has a not-firing case)} from alerts_test.yml.

    A case is an `alertname:` line; it is "not firing" when its next `exp_alerts:` is `[]`.
    """
    cases = {}
    lines = test_text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^\s*alertname:\s*(\S+)\s*$", line)
        if not m:
            continue
        exp = next((l for l in lines[i + 1:] if re.match(r"^\s*exp_alerts:", l)), "")
        empty = re.match(r"^\s*exp_alerts:\s*\[\]\s*$", exp) is not None
        firing, quiet = cases.get(m.group(1), (False, False))
        cases[m.group(1)] = (firing or not empty, quiet or empty)
    return cases


def main(argv):
    if len(argv) != 1:
        fail(__doc__)
    folder = argv[0]
    promtool = need_tool("promtool")
    c = Checker()
    for cmd in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts_test.yml"],
                ["check", "config", "scrape.yml"]):
        r = run([promtool] + cmd, cwd=folder)
        print(r.stdout + r.stderr)
        c.expect(r.returncode == 0, f"promtool {' '.join(cmd)} exited {r.returncode}")

    with open(os.path.join(folder, "alerts.yml"), encoding="utf-8") as f:
        rules = f.read()
    with open(os.path.join(folder, "alerts_test.yml"), encoding="utf-8") as f:
        cases = test_cases(f.read())
    names = alert_names(rules)
    c.expect(len(names) >= 6, f"only {len(names)} alerts in alerts.yml")
    for name in names:
        firing, quiet = cases.get(name, (False, False))
        c.expect(firing, f"{name}: no unit-test case where it fires")
        c.expect(quiet, f"{name}: no unit-test case where it must not fire")
    # Every alert is documented the same way (Alertmanager templates rely on it).
    blocks = re.split(r"^\s*-\s*alert:", rules, flags=re.M)[1:]
    for name, block in zip(names, blocks):
        for key in ("severity:", "summary:", "description:"):
            c.expect(key in block, f"{name}: no {key[:-1]}")
        desc = block.split("description:", 1)[-1]
        c.expect("$labels" in desc or "$value" in desc, f"{name}: description is not templated")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
