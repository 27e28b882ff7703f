#!/usr/bin/env python3
"""Checks config/prometheus: the rules load, their unit tests pass, the scrape example is a
valid Prometheus config, the Alertmanager example a valid Alertmanager config, every alert has
a unit-test case where it fires and one where it must not, and a runbook_url naming a section
of the README that says what to do.

  check_prometheus.py CONFIG_PROMETHEUS_DIR README.md
"""
import os
import re
import sys

import yaml

from wte_testing.ops import Checker, fail, need_tool, run


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


RUNBOOK_PREFIX = "README.md#"  # every runbook_url: one base, so a copy can change it at once


def readme_sections(text):
    """{anchor: body} of the README's headings, anchors as GitHub makes them."""
    sections, anchor, body = {}, None, []
    for line in text.splitlines():
        m = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if m:
            if anchor is not None:
                sections[anchor] = "\n".join(body)
            anchor = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
            body = []
        else:
            body.append(line)
    if anchor is not None:
        sections[anchor] = "\n".join(body)
    return sections


def check_runbooks(c, rules_doc, readme):
    sections = readme_sections(readme)
    for g in rules_doc.get("groups") or []:
        for r in g.get("rules") or []:
            if "alert" not in r:
                continue
            name, url = r["alert"], (r.get("annotations") or {}).get("runbook_url", "")
            if not c.expect(url.startswith(RUNBOOK_PREFIX),
                            f"{name}: runbook_url {url!r} does not start with {RUNBOOK_PREFIX}"):
                continue
            anchor = url[len(RUNBOOK_PREFIX):]
            body = sections.get(anchor)
            if c.expect(body is not None, f"{name}: the README has no section #{anchor}"):
                c.expect("What to do:" in body,
                         f"{name}: README section #{anchor} does not say what to do about it")


def main(argv):
    if len(argv) != 2:
        fail(__doc__)
    folder, readme_path = argv
    promtool = need_tool("promtool")
    amtool = need_tool("amtool")
    c = Checker()
    for cmd in ([promtool, "check", "rules", "alerts.yml"],
                [promtool, "test", "rules", "alerts_test.yml"],
                [promtool, "check", "config", "scrape.yml"],
                [amtool, "check-config", "alertmanager.yml"]):
        r = run(cmd, cwd=folder)
        print(r.stdout + r.stderr)
        c.expect(r.returncode == 0, f"{' '.join(cmd[1:])} exited {r.returncode}")

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
        for key in ("severity:", "summary:", "description:", "runbook_url:"):
            c.expect(key in block, f"{name}: no {key[:-1]}")
        desc = block.split("description:", 1)[-1]
        c.expect("$labels" in desc or "$value" in desc, f"{name}: description is not templated")
    with open(readme_path, encoding="utf-8") as f:
        check_runbooks(c, yaml.safe_load(rules), f.read())
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
