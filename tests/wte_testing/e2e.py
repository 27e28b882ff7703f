"""Shared bits of the end-to-end tests: repository paths, required tools, free loopback ports,
a demo-like simulator world (one failed account, one with dangerous items) that ends fast,
a Prometheus and an Alertmanager on loopback, a webhook receiver, and the accounts of a
session read from its items (the reference the alerts are checked against)."""
import http.server
import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from .harness import BINARY_DIR, REPO, Process, Simulator, wait_for

PROMETHEUS = "/usr/bin/prometheus"
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
LOGGEN = os.path.join(BINARY_DIR, "tools", "loggen", "loggen")
JOB = "whm_transfer_exporter"  # the job name config/prometheus/scrape.yml and the rules assume
ALERTS = os.path.join(REPO, "config", "prometheus", "alerts.yml")


def require_tool(path):
    """The tool's path, or a failure that says how to get it (never a silent skip: CI installs
    every tool with scripts/install-deps, so a missing one is a broken setup)."""
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} is missing: run scripts/install-deps (Debian package "
                             f"list test_pkgs)")
    return path


def free_port():
    """A loopback port that was free a moment ago, for tools that cannot listen on port 0 and
    report it (Prometheus, Alertmanager). Callers retry when another process takes it in
    between."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_simulator(workdir, rate="40"):
    """`whm-sim --demo`'s story (three hosts, six sessions; on sim0 one account fails, on sim2
    one has dangerous items) without the 15 s stagger, at `rate` lines a second per session so
    every session ends within seconds."""
    return Simulator(workdir, "--demo", "--rate", rate, "--stagger", "0")


def wait_all_finished(exporter, count, timeout=60):
    """/api/v1/sessions once the exporter has seen all `count` sessions end."""
    def done():
        api = exporter.sessions()
        sessions = api["sessions"]
        return api if len(sessions) == count and all(s["finished"] for s in sessions) else None
    return wait_for(done, timeout=timeout, interval=0.3, what=f"{count} sessions finished")


def failed_items(api):
    """{(host, session, queue, item)} of every failed item the API reports."""
    return {(s["host"], s["session_id"], i["queue"], i["item"])
            for s in api["sessions"] for i in s["summary"]["items"] if i["status"] == "failed"}


def dangerous_items(api):
    """{(host, session, queue, item)} of every item with dangerous items, per the API."""
    return {(s["host"], s["session_id"], i["queue"], i["item"])
            for s in api["sessions"] for i in s["summary"]["items"] if i["dangerous_items"] > 0}


def is_account(item):
    """An item names an account when its type does ("AccountRemoteRoot", ...); an item of
    unknown type counts as one (docs/LOG-FORMAT.md)."""
    return item.get("item_type") is None or item["item_type"].startswith("Account")


def failed_accounts(api):
    """{(host, session): {account}}: the accounts failed in either queue, each once, read
    from the items (independently of the exporter's own account counts)."""
    out = {}
    for s in api["sessions"]:
        for i in s["summary"]["items"]:
            if i["status"] == "failed" and is_account(i):
                out.setdefault((s["host"], s["session_id"]), set()).add(i["item"])
    return out


def dangerous_accounts(api):
    """{(host, session): {account}}: the accounts with dangerous items, from the items."""
    out = {}
    for s in api["sessions"]:
        for i in s["summary"]["items"]:
            if i["dangerous_items"] > 0 and is_account(i):
                out.setdefault((s["host"], s["session_id"]), set()).add(i["item"])
    return out


def shortened_rules(text):
    """The rules with every `for:` set to 0s, so alerts fire at their first evaluation."""
    out, n = re.subn(r"(?m)^(\s*for:\s*)\S+\s*$", r"\g<1>0s", text)
    if n == 0:
        raise AssertionError("no `for:` found in alerts.yml: the substitution is out of date")
    return out


def prometheus_config(workdir, exporter_port, alertmanager_port=None):
    """A Prometheus config scraping the exporter every second with the shipped rules (`for:`
    shortened), sending its alerts to Alertmanager when a port is given."""
    rules = os.path.join(workdir, "alerts.yml")
    with open(ALERTS, encoding="utf-8") as f:
        text = shortened_rules(f.read())
    with open(rules, "w", encoding="utf-8") as f:
        f.write(text)
    alerting = ""
    if alertmanager_port:
        alerting = (f"alerting:\n  alertmanagers:\n    - static_configs:\n"
                    f"        - targets: [\"127.0.0.1:{alertmanager_port}\"]\n")
    path = os.path.join(workdir, "prometheus.yml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
rule_files: [{json.dumps(rules)}]
{alerting}scrape_configs:
  - job_name: {JOB}
    static_configs:
      - targets: ["127.0.0.1:{exporter_port}"]
""")
    return path


class LoopbackServer:
    """A server that cannot listen on port 0 and say which port it got: started on a port
    that was free a moment ago, on 127.0.0.1 only, again on another one if that was taken in
    between; ready once GET /-/ready answers 200."""

    def _start(self, name, workdir, args_for_port):
        for attempt in range(5):
            self.port = free_port()
            self.process = Process(args_for_port(self.port, attempt), f"{name}{attempt}", workdir)
            if self._wait_ready(timeout=30):
                return
            output = self.process.output()
            self.process.stop()
            if "address already in use" not in output:
                raise AssertionError(f"{name} did not start:\n" + output[-4000:])
        raise AssertionError(f"{name} found no free port in 5 attempts")

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.alive():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready",
                                            timeout=2) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        return False

    def get_json(self, path, **params):
        url = f"http://127.0.0.1:{self.port}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return json.loads(e.read() or b"{}")

    def stop(self):
        return self.process.stop()


class Prometheus(LoopbackServer):
    """A Prometheus server on 127.0.0.1 with its TSDB in the work directory."""

    def __init__(self, workdir, config):
        self._start("prometheus", workdir, lambda port, attempt: [
            require_tool(PROMETHEUS), f"--config.file={config}",
            f"--storage.tsdb.path={os.path.join(workdir, f'tsdb{attempt}')}",
            f"--web.listen-address=127.0.0.1:{port}", "--log.level=info"])

    def api(self, path, **params):
        """The `data` of a successful API answer; an AssertionError with Prometheus' error
        otherwise (a 400 for a PromQL parse error says which)."""
        body = self.get_json(f"/api/v1/{path}", **params)
        if body.get("status") != "success":
            raise AssertionError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def query(self, expr):
        data = self.api("query", query=expr)
        return data["resultType"], data["result"]

    def firing(self, name=None):
        return [a for a in self.api("alerts")["alerts"] if a["state"] == "firing"
                and (name is None or a["labels"]["alertname"] == name)]


class Alertmanager(LoopbackServer):
    """A real Alertmanager on 127.0.0.1 (no cluster port), its data in the work directory."""

    def __init__(self, workdir, config):
        self._start("alertmanager", workdir, lambda port, attempt: [
            require_tool(ALERTMANAGER), f"--config.file={config}",
            f"--storage.path={os.path.join(workdir, f'alertmanager{attempt}')}",
            f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
            "--log.level=info"])


class WebhookReceiver:
    """An HTTP server on 127.0.0.1, port 0, that keeps every JSON body POSTed to it: the
    receiver of Alertmanager's webhook_configs."""

    def __init__(self):
        self.bodies = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"null")
                with receiver._lock:
                    receiver.bodies.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # quiet: the test prints what matters
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def notifications(self):
        with self._lock:
            return list(self.bodies)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
