#!/usr/bin/env python3
"""Checks the Grafana dashboard: valid JSON, every panel has the Prometheus datasource
variable and expressions, every metric is one of docs/METRICS.md, the panels the operators
need are there, every link to a panel names one that exists, and every expression (with the
variables as ".*" and as a single value) parses, by `promtool check rules` on a rules file
holding them as recording rules.

  check_dashboard.py DASHBOARD.json METRICS.md
"""
import json
import os
import re
import sys
import tempfile

from wte_testing import dashboard_queries
from wte_testing.ops import Checker, fail, need_tool, run

# What the dashboard must show: one metric per required panel. The session overview (host,
# source, initiator, start, state, accounts done/failed, estimated completion), accounts per
# hour, remaining accounts, the slowest accounts, the exporter's own health.
REQUIRED_METRICS = (
    "whm_transfer_session_state", "whm_transfer_queue_progress_ratio",
    "whm_transfer_queue_items_succeeded", "whm_transfer_queue_items_failed",
    "whm_transfer_queue_items_with_warnings", "whm_transfer_host_up",
    "whm_transfer_host_poll_duration_seconds_bucket", "whm_transfer_host_errors_total",
    "whm_transfer_session_info", "whm_transfer_session_start_timestamp_seconds",
    "whm_transfer_session_accounts", "whm_transfer_session_accounts_done",
    "whm_transfer_session_accounts_failed", "whm_transfer_session_accounts_with_dangerous_items",
    "whm_transfer_session_accounts_remaining", "whm_transfer_session_accounts_per_hour",
    "whm_transfer_session_estimated_completion_timestamp_seconds",
    "whm_transfer_queue_bytes_per_hour", "whm_transfer_queue_account_duration_seconds_bucket",
    "whm_transfer_account_failed", "whm_transfer_account_dangerous_items",
    "process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
    "process_start_time_seconds", "scrape_duration_seconds",
)
VIEW_PANEL_RE = re.compile(r"[?&]viewPanel=(\d+)")


def links(dashboard):
    """[(where, url)] of every link: the dashboard's, panels', and fields' data links."""
    out = [("dashboard", l.get("url", "")) for l in dashboard.get("links", [])]
    for p in dashboard_queries.iter_panels(dashboard.get("panels", [])):
        where = f"panel {p.get('id')} '{p.get('title', '')}'"
        out += [(where, l.get("url", "")) for l in p.get("links", [])]
        fc = p.get("fieldConfig", {})
        for props in [fc.get("defaults", {})] + [
                {pr["id"]: pr["value"] for pr in o.get("properties", [])}
                for o in fc.get("overrides", [])]:
            out += [(where, l.get("url", "")) for l in props.get("links", []) or []]
    return out


def check_links(c, dashboard):
    ids = {p.get("id") for p in dashboard_queries.iter_panels(dashboard.get("panels", []))}
    found = links(dashboard)
    c.expect(any(u.rstrip("/").endswith("${instance}") for _, u in found if "://" in u),
             "no link to the exporter's landing page")
    c.expect(sum(1 for _, u in found if VIEW_PANEL_RE.search(u)) >= 5,
             "fewer than 5 links between panels")
    for where, url in found:
        c.expect(bool(url), f"{where}: a link without url")
        for m in VIEW_PANEL_RE.finditer(url):
            c.expect(int(m.group(1)) in ids, f"{where}: link to panel {m.group(1)}, which is not there")
        if url.startswith("/d/"):
            c.expect(url.startswith(f"/d/{dashboard.get('uid')}/"),
                     f"{where}: link to another dashboard: {url}")


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
        c.expect(re.search(rf"\b{metric}\b", everything) is not None, f"no panel uses {metric}")
    check_links(c, dashboard)

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
