#!/usr/bin/env python3
"""Checks config/grafana/alert-rules.yml, the Grafana-managed twins of the Prometheus alerts:

- the file-provisioning structure Grafana loads (apiVersion 1, groups with a name, folder and
  interval, rules with a unique uid and title, a condition that names one of its queries,
  query A an instant PromQL query on the Prometheus data source, B a threshold on A, valid
  noDataState/execErrState/for), and templates Grafana will not mangle (no `$` in labels,
  which Grafana fills from environment variables, no `${` in annotations);
- one rule per alert of config/prometheus/alerts.yml, of the same name, with the same `for`,
  severity, summary and runbook_url;
- the same behaviour: each rule turned back into a Prometheus rule, `(A) OP THRESHOLD` with its
  `for` and labels, passes every case of alerts_test.yml (annotations aside: Grafana's
  templates differ), run by promtool.

  check_grafana_alerts.py ALERT_RULES.yml CONFIG_PROMETHEUS_DIR
"""
import os
import re
import sys
import tempfile

import yaml

from wte_testing.ops import Checker, fail, need_tool, run

DATASOURCE_UID = "prometheus"  # the documented UID of the Prometheus data source
NO_DATA_STATES = {"OK", "NoData", "Alerting", "KeepLast"}
EXEC_ERR_STATES = {"OK", "Error", "Alerting", "KeepLast"}
OPERATORS = {"gt": ">", "lt": "<"}
UID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
DURATION_RE = re.compile(r"^(0|(\d+(ms|s|m|h|d|w|y))+)$")


def duration_seconds(text):
    """Seconds of a Prometheus duration ('1h30m', '0s'); None if it is not one."""
    text = str(text)
    if not DURATION_RE.match(text):
        return None
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", text))


def grafana_rules(doc):
    """[(group, rule)] of the provisioning document."""
    return [(g, r) for g in doc.get("groups") or [] for r in g.get("rules") or []]


def query_and_threshold(rule):
    """(query A, threshold B) of a rule, or (None, None) when it is not of that shape."""
    data = {d.get("refId"): d for d in rule.get("data") or []}
    return data.get("A"), data.get("B")


def check_structure(c, doc):
    c.expect(doc.get("apiVersion") == 1, "apiVersion is not 1")
    groups = doc.get("groups")
    c.expect(isinstance(groups, list) and groups, "no groups")
    uids, titles = set(), set()
    for g in groups or []:
        gname = g.get("name")
        c.expect(bool(gname), f"a group without name: {g!r}"[:200])
        c.expect(bool(g.get("folder")), f"group {gname}: no folder")
        c.expect(duration_seconds(g.get("interval", "")) not in (None, 0),
                 f"group {gname}: interval {g.get('interval')!r} is not a duration")
        c.expect(g.get("orgId", 1) == 1, f"group {gname}: orgId is not 1")
        for r in g.get("rules") or []:
            check_rule(c, r, uids, titles)


def check_rule(c, r, uids, titles):
    title = r.get("title")
    where = f"rule {title or r.get('uid')!r}"
    c.expect(bool(title), f"{where}: no title")
    c.expect(title not in titles, f"{where}: duplicate title (Grafana wants one per folder)")
    titles.add(title)
    uid = str(r.get("uid", ""))
    c.expect(UID_RE.match(uid) is not None, f"{where}: uid {uid!r} is not 1-40 of [A-Za-z0-9_-]")
    c.expect(uid not in uids, f"{where}: duplicate uid {uid}")
    uids.add(uid)
    refs = [d.get("refId") for d in r.get("data") or []]
    c.expect(len(refs) == len(set(refs)) == 2, f"{where}: want two queries A and B, got {refs}")
    c.expect(r.get("condition") == "B", f"{where}: condition {r.get('condition')!r} is not B")
    a, b = query_and_threshold(r)
    if c.expect(a is not None, f"{where}: no query A"):
        model = a.get("model") or {}
        c.expect(a.get("datasourceUid") == DATASOURCE_UID,
                 f"{where}: A's datasourceUid is not {DATASOURCE_UID}")
        c.expect(model.get("refId") == "A", f"{where}: A's model.refId is not A")
        c.expect(bool(str(model.get("expr", "")).strip()), f"{where}: A has no expr")
        c.expect(model.get("instant") is True and model.get("range") is False,
                 f"{where}: A is not an instant query")
        rtr = a.get("relativeTimeRange") or {}
        c.expect(isinstance(rtr.get("from"), int) and rtr.get("from") > 0 and rtr.get("to") == 0,
                 f"{where}: A's relativeTimeRange {rtr!r}")
    if c.expect(b is not None, f"{where}: no expression B"):
        model = b.get("model") or {}
        c.expect(b.get("datasourceUid") == "__expr__", f"{where}: B is not a server expression")
        c.expect(model.get("type") == "threshold", f"{where}: B is not a threshold")
        c.expect(model.get("expression") == "A", f"{where}: B does not read A")
        c.expect(model.get("refId") == "B", f"{where}: B's model.refId is not B")
        conds = model.get("conditions") or []
        ev = (conds[0].get("evaluator") or {}) if len(conds) == 1 else {}
        params = ev.get("params") or []
        c.expect(ev.get("type") in OPERATORS and len(params) == 1
                 and isinstance(params[0], (int, float)),
                 f"{where}: B's evaluator {ev!r} is not one of {sorted(OPERATORS)} with a number")
    c.expect(r.get("noDataState") in NO_DATA_STATES, f"{where}: noDataState {r.get('noDataState')!r}")
    c.expect(r.get("execErrState") in EXEC_ERR_STATES,
             f"{where}: execErrState {r.get('execErrState')!r}")
    c.expect(duration_seconds(r.get("for", "0s")) is not None, f"{where}: for {r.get('for')!r}")
    labels = r.get("labels") or {}
    c.expect(labels.get("severity") in ("critical", "warning", "info"), f"{where}: severity")
    for k, v in labels.items():
        c.expect("$" not in str(v), f"{where}: label {k} holds a $ (Grafana expands variables)")
    ann = r.get("annotations") or {}
    for key in ("summary", "description", "runbook_url"):
        c.expect(bool(ann.get(key)), f"{where}: no {key}")
    for k, v in ann.items():
        c.expect("${" not in str(v), f"{where}: annotation {k} holds ${{ (an environment variable)")
    c.expect("$labels" in ann.get("description", "") or "$values" in ann.get("description", ""),
             f"{where}: description is not templated")


def prometheus_alerts(rules_doc):
    """{alertname: [rule, ...]} of a Prometheus rules document."""
    out = {}
    for g in rules_doc.get("groups") or []:
        for r in g.get("rules") or []:
            if "alert" in r:
                out.setdefault(r["alert"], []).append(r)
    return out


def check_same_alerts(c, doc, prom):
    grafana = {r.get("title"): r for _, r in grafana_rules(doc)}
    c.expect(set(grafana) == set(prom),
             f"alert names differ: only in Grafana {sorted(set(grafana) - set(prom))}, only in "
             f"Prometheus {sorted(set(prom) - set(grafana))}")
    for name in sorted(set(grafana) & set(prom)):
        g, p = grafana[name], prom[name][0]
        c.expect(len(prom[name]) == 1, f"{name}: several Prometheus rules of that name")
        c.expect(duration_seconds(g.get("for", "0s")) == duration_seconds(p.get("for", "0s")),
                 f"{name}: for {g.get('for')} in Grafana, {p.get('for', '0s')} in Prometheus")
        c.expect((g.get("labels") or {}) == (p.get("labels") or {}), f"{name}: labels differ")
        for key in ("summary", "runbook_url"):
            c.expect((g.get("annotations") or {}).get(key) == (p.get("annotations") or {}).get(key),
                     f"{name}: {key} differs")


def as_prometheus_rules(doc):
    """The Grafana rules as a Prometheus rules document: alert = title, expr = (A) OP N."""
    groups = []
    for g in doc.get("groups") or []:
        rules = []
        for r in g.get("rules") or []:
            a, b = query_and_threshold(r)
            ev = b["model"]["conditions"][0]["evaluator"]
            rule = {"alert": r["title"],
                    "expr": f"({a['model']['expr']}) {OPERATORS[ev['type']]} {ev['params'][0]}",
                    "labels": dict(r.get("labels") or {})}
            if duration_seconds(r.get("for", "0s")):
                rule["for"] = r["for"]
            rules.append(rule)
        groups.append({"name": g["name"], "rules": rules})
    return {"groups": groups}


def without_annotations(test_doc):
    for group in test_doc.get("tests") or []:
        for case in group.get("alert_rule_test") or []:
            for alert in case.get("exp_alerts") or []:
                alert.pop("exp_annotations", None)
    return test_doc


def run_promtool_cases(c, doc, folder):
    promtool = need_tool("promtool")
    with open(os.path.join(folder, "alerts_test.yml"), encoding="utf-8") as f:
        tests = yaml.safe_load(f)
    with tempfile.TemporaryDirectory() as tmp:
        rules_file = tests["rule_files"][0]
        with open(os.path.join(tmp, rules_file), "w", encoding="utf-8") as f:
            yaml.safe_dump(as_prometheus_rules(doc), f, sort_keys=False, allow_unicode=True)
        with open(os.path.join(tmp, "grafana_test.yml"), "w", encoding="utf-8") as f:
            yaml.safe_dump(without_annotations(tests), f, sort_keys=False, allow_unicode=True)
        for cmd in (["check", "rules", rules_file], ["test", "rules", "grafana_test.yml"]):
            r = run([promtool] + cmd, cwd=tmp)
            print(r.stdout + r.stderr)
            c.expect(r.returncode == 0, f"the Grafana rules as Prometheus rules: promtool "
                                        f"{' '.join(cmd)} exited {r.returncode}")


def main(argv):
    if len(argv) != 2:
        fail(__doc__)
    path, folder = argv
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        with open(os.path.join(folder, "alerts.yml"), encoding="utf-8") as f:
            prom = prometheus_alerts(yaml.safe_load(f))
    except (OSError, yaml.YAMLError) as e:
        fail(str(e))
    c = Checker()
    check_structure(c, doc)
    check_same_alerts(c, doc, prom)
    if not c.failures:  # the conversion needs the structure checked above
        run_promtool_cases(c, doc, folder)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
