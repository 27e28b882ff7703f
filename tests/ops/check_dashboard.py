#!/usr/bin/env python3
"""Checks the Grafana dashboard: valid JSON, every panel has the Prometheus datasource
variable and expressions, every metric is one of docs/METRICS.md, and every expression (with
the variables as ".*" and as a single value) parses, by `promtool check rules` on a rules file
holding them as recording rules.

  check_dashboard.py DASHBOARD.json METRICS.md
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dashboard_queries  # noqa: E402
from ops_common import Checker, fail, need_tool, run  # noqa: E402

# What the dashboard must show (the issue "Operations"): one metric per required panel.
REQUIRED_METRICS = (
    "whm_transfer_session_state", "whm_transfer_queue_progress_ratio",
    "whm_transfer_queue_items_succeeded", "whm_transfer_queue_items_failed",
    "whm_transfer_queue_items_with_warnings", "whm_transfer_queue_finished_bytes",
    "whm_transfer_item_failed", "whm_transfer_item_dangerous_items", "whm_transfer_host_up",
    "whm_transfer_host_poll_duration_seconds_bucket", "whm_transfer_host_errors_total",
)


def main(argv):
    if len(argv) != 2:
        fail(__doc__)
    promtool = need_tool("promtool")
    path, metrics_doc = argv
    try:
        with open(path, encoding="utf-8") as f:
            dashboard = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")
    with open(metrics_doc, encoding="utf-8") as f:
        doc = f.read()
    c = Checker()
    for problem in dashboard_queries.check(dashboard, doc):
        c.expect(False, problem)
    everything = " ".join(e for _, e in dashboard_queries.extract(dashboard))
    for metric in REQUIRED_METRICS:
        c.expect(metric in everything, f"no panel uses {metric}")

    with tempfile.TemporaryDirectory() as tmp:
        for label, overrides in (("all", {}), ("one value", {"host": "whm1", "session": "s1"})):
            exprs = dashboard_queries.extract(dashboard, overrides)
            rules = os.path.join(tmp, "dashboard_rules.yml")
            with open(rules, "w", encoding="utf-8") as f:
                f.write(dashboard_queries.as_rules(exprs))
            r = run([promtool, "check", "rules", rules])
            print(r.stdout + r.stderr)
            c.expect(r.returncode == 0,
                     f"variables {label}: promtool rejects an expression of the dashboard")
            c.expect(f"SUCCESS: {len(exprs)} rules found" in r.stdout,
                     f"variables {label}: promtool did not check all {len(exprs)} expressions")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
