"""Helpers for integration tests and benchmarks: start the WHM simulator and the exporter
as real processes on loopback (port 0 everywhere), talk to them, and stop them without
fail."""
import json
import os
import re
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "SIMTOKEN0123456789ABCDEFGHIJKLMNOPQRSTUV"  # a fake WHM token: must never be printed


def _build_slowdown(binary_dir):
    """How much slower than a plain build this one runs: sanitizer builds (told by the
    build's CMakeCache.txt) take several times as long."""
    try:
        with open(os.path.join(binary_dir, "CMakeCache.txt")) as f:
            m = re.search(r"^WTE_SANITIZE:\w+=(\S+)$", f.read(), re.M)
        return 3.0 if m else 1.0
    except OSError:
        return 1.0


def use_binary_dir(path):
    """Points the harness at the binaries of the build in `path`: $WTE_BINARY_DIR at import
    (ctest sets it), else the repository's build/. bench/ calls it with its own build."""
    global BINARY_DIR, EXPORTER, SIM, BUILD_SLOWDOWN
    BINARY_DIR = path
    EXPORTER = os.path.join(path, "whm_transfer_exporter")
    SIM = os.path.join(path, "whm-sim")
    BUILD_SLOWDOWN = _build_slowdown(path)


use_binary_dir(os.environ.get("WTE_BINARY_DIR", os.path.join(REPO, "build")))


def time_scale():
    """The factor every deadline of these tests is multiplied by: $WTE_TIME_SCALE if set,
    else the build's slowdown times how far the machine is loaded past its cores (other
    tests, other work: read at each call, so a deadline follows the load)."""
    if os.environ.get("WTE_TIME_SCALE"):
        return max(1.0, float(os.environ["WTE_TIME_SCALE"]))
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return BUILD_SLOWDOWN * min(max(1.0, load), 4.0)


def scaled(seconds):
    """`seconds` as a deadline on this build and machine (see time_scale)."""
    return seconds * time_scale()


def wait_for(predicate, timeout=15.0, interval=0.05, what="condition"):
    """Waits until predicate() is true (returns its value). The timeout is scaled: a
    deadline is a bound on failure, never a delay on success."""
    deadline = time.monotonic() + scaled(timeout)
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - retried until the deadline
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class Process:
    """A child process whose output goes to a file; always killed on stop()."""

    def __init__(self, args, name, workdir, env=None):
        self.name = name
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def send_signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(scaled(timeout))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()
        return self.proc.returncode


class Simulator:
    def __init__(self, workdir, *args):
        self.workdir = workdir
        self.token_file = os.path.join(workdir, "sim.token")
        with open(self.token_file, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(self.token_file, 0o600)
        self.ports_file = os.path.join(workdir, "sim-ports.json")
        self.ca_file = os.path.join(workdir, "sim-ca.pem")
        self.process = Process([SIM, "--token-file", self.token_file, "--ports-file",
                                self.ports_file, "--write-ca", self.ca_file, *args],
                               "whm-sim", workdir)
        self.info = wait_for(self._read_ports, what="whm-sim ports file")

    def _read_ports(self):
        if not self.process.alive():
            raise AssertionError("whm-sim exited:\n" + self.process.output())
        with open(self.ports_file) as f:
            return json.load(f)

    @property
    def hosts(self):
        return self.info["hosts"]

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.info['control_port']}{path}",
                                     data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=scaled(5)) as r:
            return json.loads(r.read() or b"null")

    def fault(self, host, fault, value=None, session=None):
        body = {"host": host, "fault": fault}
        if value is not None:
            body["value"] = value
        if session is not None:
            body["session"] = session
        return self.control("POST", "/faults", body)

    def clear_faults(self):
        return self.control("DELETE", "/faults")

    def advance(self):
        return self.control("POST", "/sessions/advance")

    def fetch_log(self, port, session):
        """The session's log as written so far, through the WHM API as the exporter reads it
        (docs/LOG-FORMAT.md section 2): `.master.log` while the session runs (never
        master.log, which the server holds until the end), `master.log` once it is not found
        (the session has ended)."""
        ctx = ssl.create_default_context(cafile=self.ca_file)
        for logfile in (".master.log", "master.log"):
            url = (f"https://localhost:{port}/json-api/fetch_transfer_session_log?api.version=1"
                   f"&transfer_session_id={session}&logfile={logfile}")
            req = urllib.request.Request(url, headers={"Authorization": f"whm root:{TOKEN}"})
            with urllib.request.urlopen(req, context=ctx, timeout=scaled(10)) as r:
                doc = json.loads(r.read())
            if str(doc.get("metadata", {}).get("result")) == "1":
                return doc["data"]["log"]
        raise AssertionError(f"no log for {session}: {doc}")

    def stop(self):
        return self.process.stop()


def write_config(workdir, sim, extra="", hosts=None, poll_interval="1s", timeout="2s",
                 host_extra=""):
    """A config for every simulated host (or those given), with short intervals."""
    hosts = sim.hosts if hosts is None else hosts
    lines = [f"listen_address: 127.0.0.1:0",
             f"state_directory: {os.path.join(workdir, 'state')}",
             f"poll_interval: {poll_interval}",
             "log_level: debug",
             extra,
             "hosts:"]
    for h in hosts:
        lines += [f"  - name: {h['name']}",
                  f"    url: https://localhost:{h['port']}",
                  f"    token_file: {sim.token_file}",
                  f"    ca_file: {sim.ca_file}",
                  f"    timeout: {timeout}",
                  f"    sessions: [{', '.join(h['sessions'])}]"]
        if host_extra:
            lines.append(host_extra)
    path = os.path.join(workdir, "config.yml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class Exporter:
    def __init__(self, workdir, config, *args, env=None, prefix=()):
        """`prefix`: a command the exporter runs under (e.g. setpriv to drop privileges)."""
        self.workdir = workdir
        self.process = Process([*prefix, EXPORTER, "serve", "--config", config, *args],
                               "exporter", workdir, env=env)
        self.port = wait_for(self._port, what="exporter listening")

    def _port(self):
        if not self.process.alive():
            raise AssertionError("exporter exited:\n" + self.process.output())
        m = re.search(r"msg=listening .*port=(\d+)", self.process.output())
        return int(m.group(1)) if m else None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, headers=None):
        req = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=scaled(5)) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def request(self, method, path, body=None, headers=None):
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url(path), data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=scaled(5)) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def metrics(self):
        status, _, body = self.get("/metrics")
        assert status == 200, status
        return parse_metrics(body.decode())

    def sessions(self):
        status, _, body = self.get("/api/v1/sessions")
        assert status == 200, status
        return json.loads(body)

    def stop(self, sig=signal.SIGTERM):
        return self.process.stop(sig)


_SERIES = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """{(name, frozenset(labels)): value} from the Prometheus text format."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SERIES.match(line)
        if not m:
            raise AssertionError(f"unparsable metrics line: {line!r}")
        labels = {}
        if m.group(3):
            for k, v in _LABEL.findall(m.group(3)):
                labels[k] = v.encode().decode("unicode_escape") if "\\" in v else v
        out[(m.group(1), frozenset(labels.items()))] = float(m.group(4))
    return out


def metric(series, name, **labels):
    want = set(labels.items())
    found = [v for (n, ls), v in series.items() if n == name and want <= set(ls)]
    return found[0] if len(found) == 1 else (None if not found else found)


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def _wrk_seconds(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(m.group(1)) * _WRK_UNITS[m.group(2)]


def parse_wrk(text):
    """The numbers of `wrk --latency`'s report: requests, requests/s, latency percentiles in
    seconds, socket errors and non-2xx/3xx responses."""
    out = {"requests": None, "requests_per_sec": None, "latency_s": {},
           "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0}, "non_2xx_3xx": 0}
    for line in text.splitlines():
        line = line.strip()
        if m := re.fullmatch(r"(\d+)% +(\S+)", line):
            out["latency_s"]["p" + m.group(1)] = _wrk_seconds(m.group(2))
        elif m := re.match(r"(\d+) requests in ", line):
            out["requests"] = int(m.group(1))
        elif m := re.fullmatch(r"Requests/sec: +([\d.]+)", line):
            out["requests_per_sec"] = float(m.group(1))
        elif line.startswith("Socket errors:"):
            for k, v in re.findall(r"(\w+) (\d+)", line.split(":", 1)[1]):
                out["socket_errors"][k] = int(v)
        elif m := re.fullmatch(r"Non-2xx or 3xx responses: (\d+)", line):
            out["non_2xx_3xx"] = int(m.group(1))
    if out["requests"] is None or out["requests_per_sec"] is None:
        raise AssertionError("not a wrk report:\n" + text)
    return out


def wrk_command(url, threads=2, connections=64, duration="30s", timeout="10s"):
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", f"--timeout={timeout}",
            "--latency", url]


def engine_summary(log_text):
    """What `progress --json` says of a log: the engine's summary, the reference. Only the
    log's summary (session, queues, items): the API's "summary" of a session; the overview
    that follows them (accounts, throughput, ...) is beside it in the API."""
    r = subprocess.run([EXPORTER, "progress", "--json", "-"], input=log_text.encode(),
                       capture_output=True, timeout=scaled(30))
    assert r.returncode in (0, 1, 3), r.stderr
    doc = json.loads(r.stdout)
    return {k: doc[k] for k in ("session", "queues", "items")}


def summary_of_read(log, summary):
    """The engine's summary of what an exporter whose summary is `summary` has read of
    `log`: its complete lines (well-formed and malformed); the bytes of an unfinished last
    line that it holds pending are taken from its own count (they are not parsed yet)."""
    info = summary["session"]
    n = info["lines"] + info["malformed_lines"]
    expected = engine_summary("".join(log.splitlines(True)[:n]))
    expected["session"]["pending_bytes"] = info["pending_bytes"]
    return expected


def counts_exact(exporter, sim, host, session, timeout=20):
    """True once the exporter's summary of the session equals the engine's summary of the
    bytes of the log it has read (the simulator keeps releasing more); False on timeout."""
    port = next(h["port"] for h in sim.hosts if h["name"] == host)

    def same():
        api = [s for s in exporter.sessions()["sessions"]
               if s["host"] == host and s["session_id"] == session][0]
        n = api["summary"]["session"]["lines"]
        log = sim.fetch_log(port, session)
        return n > 0 and api["summary"] == summary_of_read(log, api["summary"])
    try:
        wait_for(same, timeout=timeout, interval=0.3, what="counts exact")
        return True
    except AssertionError:
        return False


# Basic auth for the web endpoints: a user, its password, and a bcrypt (cost 10) of it as
# `htpasswd -nbBC 10` makes it, fixed so the tests need neither apache2-utils nor python's
# deprecated crypt module.
WEB_USER = "prometheus"
WEB_PASSWORD = "correct horse battery"
WEB_HASH = "$2b$10$f0Hn0H972sqqM4NH9bupzufqykc7QU8EcDuCPsGKK5djcO7q5akOO"


def self_signed_certificate(workdir, prefix):
    """A self-signed certificate for localhost and 127.0.0.1 (a client trusts the certificate
    itself), written as <prefix>-cert.pem and <prefix>-key.pem: (cert path, key path). The
    Python tests' one certificate generator (the C++ tests': tests/support/test_pki.hpp)."""
    cert = os.path.join(workdir, f"{prefix}-cert.pem")
    key = os.path.join(workdir, f"{prefix}-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def write_web_config(workdir):
    """A self-signed certificate for localhost and 127.0.0.1, and an exporter-toolkit web
    config with TLS and WEB_USER: (web config path, certificate path)."""
    cert, _ = self_signed_certificate(workdir, "web")
    path = os.path.join(workdir, "web.yml")
    with open(path, "w") as f:
        # Relative file names: resolved against the web config's folder.
        f.write("tls_server_config:\n"
                "  cert_file: web-cert.pem\n"
                "  key_file: web-key.pem\n"
                "basic_auth_users:\n"
                f"  {WEB_USER}: '{WEB_HASH}'\n")
    return path, cert


def new_workdir():
    return tempfile.mkdtemp(prefix="wte-it-")
