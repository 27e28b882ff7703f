#!/usr/bin/env python3
"""Extracts every PromQL expression of a Grafana dashboard, with its variables substituted.

Used by the ops tests (every expression must parse: `--format rules` writes them as recording
rules for `promtool check rules`) and by end-to-end tests that run the expressions against a
real Prometheus (`--format json`, or import this file and call extract()).

  PYTHONPATH=tests python3 -m wte_testing.dashboard_queries DASHBOARD.json [--var host=whm1]
      [--format text|json|rules]
  PYTHONPATH=tests python3 -m wte_testing.dashboard_queries DASHBOARD.json --check
      [--metrics-doc docs/METRICS.md]

Variables default to ".*" (every value: the dashboard's "All" is ".*" too); Grafana's own
($__rate_interval, $__interval, $__range) become fixed durations.
"""
import argparse
import json
import re
import sys

BUILTIN_VARS = {"__rate_interval": "2m", "__interval": "30s", "__range": "1h",
                "__range_s": "3600", "__interval_ms": "30000"}
# $name, ${name}, ${name:format}, [[name]]
VAR_RE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
LABEL_VALUES_RE = re.compile(r"^\s*label_values\((.*),\s*(\w+)\s*\)\s*$", re.S)
METRIC_RE = re.compile(r"\b(whm_transfer_[a-z0-9_]+)\b(?!\s*\()")
PROMETHEUS_DS = {"${datasource}", "${DS_PROMETHEUS}", "$datasource"}


def iter_panels(panels):
    """Every panel, rows' nested panels included (collapsed rows keep theirs inside)."""
    for p in panels:
        yield p
        yield from iter_panels(p.get("panels", []))


def template_vars(dashboard):
    return dashboard.get("templating", {}).get("list", [])


def substitute(expr, values):
    """Replaces dashboard and built-in variables; unknown ones raise KeyError."""
    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name in values:
            return values[name]
        if name in BUILTIN_VARS:
            return BUILTIN_VARS[name]
        raise KeyError(name)
    return VAR_RE.sub(repl, expr)


def variable_values(dashboard, overrides):
    values = {v["name"]: ".*" for v in template_vars(dashboard) if v.get("type") != "datasource"}
    values.update(overrides)
    return values


def extract(dashboard, overrides=None):
    """[(where, expr)]: every panel target and every label_values() selector, substituted.

    `where` names the source: "panel 3 'Failed items' A" or "variable session".
    Raises KeyError for a variable the dashboard does not define.
    """
    values = variable_values(dashboard, overrides or {})
    out = []
    for v in template_vars(dashboard):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        m = LABEL_VALUES_RE.match(q)
        if m:  # label_values(SELECTOR, label): the selector is PromQL
            out.append((f"variable {v['name']}", substitute(m.group(1), values)))
        elif q.strip() and not q.strip().startswith(("label_values(", "label_names(", "metrics(")):
            out.append((f"variable {v['name']}", substitute(q, values)))
    for p in iter_panels(dashboard.get("panels", [])):
        for t in p.get("targets", []):
            if t.get("expr"):
                where = f"panel {p.get('id')} '{p.get('title', '')}' {t.get('refId', '')}"
                out.append((where, substitute(t["expr"], values)))
    return out


def check(dashboard, metrics_doc=None):
    """Problems with the dashboard, as messages (empty when it is fine)."""
    problems = []
    names = [v.get("name") for v in template_vars(dashboard)]
    if not any(v.get("type") == "datasource" for v in template_vars(dashboard)) and \
            not any(i.get("name") == "DS_PROMETHEUS" for i in dashboard.get("__inputs", [])):
        problems.append("no datasource template variable and no DS_PROMETHEUS input")
    for wanted in ("host", "session"):
        if wanted not in names:
            problems.append(f"no '{wanted}' template variable")
    ids = set()
    for p in iter_panels(dashboard.get("panels", [])):
        title = f"panel {p.get('id')} '{p.get('title', '')}'"
        if p.get("id") in ids:
            problems.append(f"{title}: duplicate id")
        ids.add(p.get("id"))
        if p.get("type") in ("row", "text"):
            continue
        for key in ("type", "title", "gridPos"):
            if not p.get(key):
                problems.append(f"{title}: no {key}")
        ds = p.get("datasource")
        if not isinstance(ds, dict) or ds.get("uid") not in PROMETHEUS_DS:
            problems.append(f"{title}: datasource is not the Prometheus variable: {ds!r}")
        targets = p.get("targets") or []
        if not targets:
            problems.append(f"{title}: no targets")
        for t in targets:
            if not (t.get("expr") or "").strip():
                problems.append(f"{title} {t.get('refId')}: empty expression")
            tds = t.get("datasource")
            if tds is not None and (not isinstance(tds, dict) or tds.get("uid") not in PROMETHEUS_DS):
                problems.append(f"{title} {t.get('refId')}: target datasource {tds!r}")
    try:
        exprs = extract(dashboard)
    except KeyError as e:
        problems.append(f"undefined variable ${e.args[0]}")
        exprs = []
    if metrics_doc:
        documented = set(re.findall(r"`(whm_transfer_[a-z0-9_]+)`", metrics_doc))
        for where, expr in exprs:
            for name in METRIC_RE.findall(expr):
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                if name not in documented and base not in documented:
                    problems.append(f"{where}: metric {name} is not in METRICS.md")
    return problems


def as_rules(exprs):
    """A Prometheus rules file with one recording rule per expression (JSON strings are YAML)."""
    lines = ["groups:", "  - name: dashboard_queries", "    rules:"]
    for i, (where, expr) in enumerate(exprs):
        lines.append(f"      # {where}")
        lines.append(f"      - record: dashboard:query_{i}")
        lines.append(f"        expr: {json.dumps(expr)}")
    return "\n".join(lines) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dashboard")
    ap.add_argument("--var", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--format", choices=("text", "json", "rules"), default="text")
    ap.add_argument("--check", action="store_true", help="validate instead of printing")
    ap.add_argument("--metrics-doc", help="with --check: every metric must be in this file")
    args = ap.parse_args(argv)
    with open(args.dashboard, encoding="utf-8") as f:
        dashboard = json.load(f)
    if args.check:
        doc = open(args.metrics_doc, encoding="utf-8").read() if args.metrics_doc else None
        problems = check(dashboard, doc)
        for p in problems:
            print(f"{args.dashboard}: {p}", file=sys.stderr)
        return 1 if problems else 0
    overrides = dict(v.split("=", 1) for v in args.var)
    try:
        exprs = extract(dashboard, overrides)
    except KeyError as e:
        print(f"{args.dashboard}: undefined variable ${e.args[0]}", file=sys.stderr)
        return 1
    if args.format == "json":
        json.dump([{"where": w, "expr": e} for w, e in exprs], sys.stdout, indent=2)
        print()
    elif args.format == "rules":
        sys.stdout.write(as_rules(exprs))
    else:
        for w, e in exprs:
            print(f"{w}\t{e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
