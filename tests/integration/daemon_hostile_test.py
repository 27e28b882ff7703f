"""Hostile WHM servers, hostile HTTP clients and careless configs against the real daemon
(issue 15). The server (wte_testing/hostile_whm.py) and the clients here are written
independently of the simulator. Nothing may crash the daemon, cross one session's answers into
another's, stall /metrics or the polls, or let a piece of a token out."""
import base64
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import unittest
import urllib.request

from wte_testing.e2e import require_tool
from wte_testing.harness import (BUILD_SLOWDOWN, EXPORTER, TOKEN, WEB_HASH, WEB_PASSWORD, WEB_USER,
                                 Exporter, metric, new_workdir, scaled, wait_for)
from wte_testing.hostile_whm import HostileWhm, Session, envelope, response_bytes, session_log

DEEP = "[" * 150000 + "]" * 150000  # 300 KB: a recursive parser overflows its stack on it
API_TOKEN = "hostile-test-api-token-0123456789"


def token_pieces(text, token=TOKEN, piece=8):
    """Every piece of `token` of `piece` bytes found in `text`."""
    return sorted({token[i:i + piece] for i in range(len(token) - piece + 1)
                   if token[i:i + piece] in text})


def write_token(workdir, name, value):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(value + "\n")
    os.chmod(path, 0o600)
    return path


def hostile_config(workdir, whm, sessions, extra="", poll_interval="1s"):
    token_file = write_token(workdir, "whm.token", TOKEN)
    text = (f"listen_address: 127.0.0.1:0\n"
            f"state_directory: {os.path.join(workdir, 'state')}\n"
            f"poll_interval: {poll_interval}\n"
            f"log_level: debug\n{extra}\n"
            f"hosts:\n  - name: whm1\n    url: https://localhost:{whm.port}\n"
            f"    token_file: {token_file}\n    ca_file: {whm.cert}\n    timeout: 3s\n"
            f"    sessions: [{', '.join(sessions)}]\n")
    path = os.path.join(workdir, "config.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def api_session(exporter, sid):
    for s in exporter.sessions()["sessions"]:
        if s["session_id"] == sid:
            return s
    return None


class HostileServerTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()
        self.whm = None
        self.exporter = None

    def tearDown(self):
        if self.exporter:
            self.exporter.stop()
        if self.whm:
            self.whm.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def start(self, sessions, extra=""):
        self.whm = HostileWhm(self.work, sessions)
        self.exporter = Exporter(self.work, hostile_config(self.work, self.whm, list(sessions),
                                                           extra=extra))

    def errors(self, reason):
        return metric(self.exporter.metrics(), "whm_transfer_host_errors_total", host="whm1",
                      reason=reason) or 0

    def test_deeply_nested_answers_are_bad_responses_not_a_crash(self):
        deep_state, deep_log, fine = Session("RUNNING"), Session("RUNNING"), Session("RUNNING")
        deep_state.state_body = '{"data":{"state_name":' + DEEP + '},"metadata":{"result":1}}'
        deep_log.log_body = '{"data":{"log":' + DEEP + '},"metadata":{"result":1}}'
        self.start({"deepstate": deep_state, "deeplog": deep_log, "fine": fine})
        wait_for(lambda: self.errors("bad_response") >= 4, timeout=scaled(30),
                 what="deep answers counted as bad_response")
        self.assertTrue(self.exporter.process.alive(), self.exporter.process.output())
        wait_for(lambda: (api_session(self.exporter, "fine") or {}).get("summary", {})
                 .get("session", {}).get("lines", 0) > 0, timeout=scaled(20), what="fine read")
        self.assertIn("nested deeper than", api_session(self.exporter, "deepstate")["last_error"])

    def test_an_unrequested_answer_never_crosses_sessions(self):
        a = Session("RUNNING", accounts=("a1",))
        b = Session("PAUSED", accounts=("b1", "b2", "b3"))
        self.start({"sessA": a, "sessB": b})
        wait_for(lambda: all((api_session(self.exporter, s) or {}).get("state") for s in
                             ("sessA", "sessB")), timeout=scaled(20), what="both sessions read")
        # One answer nobody asked for, right behind the next answer, on a kept-alive connection.
        self.whm.extra_once = response_bytes(envelope({"log": session_log(("x",) * 7)}))
        time.sleep(scaled(5))  # several polls of both sessions
        for _ in range(3):
            sa, sb = api_session(self.exporter, "sessA"), api_session(self.exporter, "sessB")
            self.assertEqual(sa["api_state"], "RUNNING")
            self.assertEqual(sb["api_state"], "PAUSED")
            self.assertEqual(sa["summary"]["queues"]["TRANSFER"]["items_total"], 1)
            self.assertEqual(sb["summary"]["queues"]["TRANSFER"]["items_total"], 3)
            time.sleep(scaled(1.2))

    def test_a_token_echoed_as_a_state_or_straddling_a_cut_never_leaks(self):
        echo = Session("RUNNING")
        echo.state_body = envelope({"state_name": TOKEN})
        straddle = Session("RUNNING")
        straddle.state_body = envelope({}, result=0, reason="r" * (500 - 12) + TOKEN + " tail")
        in_log = Session("RUNNING", accounts=(TOKEN, "ok1"))
        self.start({"echo": echo, "straddle": straddle, "inlog": in_log})
        wait_for(lambda: self.errors("bad_response") >= 2 and self.errors("api") >= 2,
                 timeout=scaled(30), what="both refused")
        wait_for(lambda: (api_session(self.exporter, "inlog") or {}).get("summary", {})
                 .get("session", {}).get("lines", 0) > 0, timeout=scaled(20), what="log read")
        outputs = {
            "/metrics": self.exporter.get("/metrics")[2].decode(),
            "/": self.exporter.get("/")[2].decode(),
            "/api/v1/sessions": self.exporter.get("/api/v1/sessions")[2].decode(),
            "log": self.exporter.process.output(),
        }
        for name, text in outputs.items():
            self.assertEqual(token_pieces(text), [], name)
        self.assertIn("not a state name", api_session(self.exporter, "echo")["last_error"])

    def test_registration_with_deep_json_is_a_400(self):
        api_token = write_token(self.work, "api.token", API_TOKEN)
        self.start({"s1": Session("RUNNING")}, extra=f"api:\n  bearer_token_file: {api_token}")
        for body in (DEEP, '{"host":' + DEEP + '}', "{" * 200000):
            status, _ = self.exporter.request("POST", "/api/v1/sessions", body,
                                              {"X-Api-Token": API_TOKEN,
                                               "Content-Type": "application/json"})
            self.assertEqual(status, 400)
        self.assertTrue(self.exporter.process.alive())
        self.assertEqual(self.exporter.get("/-/healthy")[0], 200)


class DeepAnswerHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        body = ('{"sessions":' + DEEP + '}').encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class CommandLineTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_sessions_list_from_a_server_answering_deep_json(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DeepAnswerHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            r = subprocess.run([EXPORTER, "sessions", "list", "--url",
                                f"http://127.0.0.1:{server.server_address[1]}"],
                               capture_output=True, timeout=scaled(60))
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"unexpected answer", r.stderr)

    def test_a_token_pasted_into_the_config_is_never_printed(self):
        os.environ.pop(TOKEN, None)
        cases = {
            "token_file": f"    url: https://whm1\n    token_file: {TOKEN}\n",
            "token_file path": f"    url: https://whm1\n    token_file: /etc/{TOKEN}\n",
            "token_env": f"    url: https://whm1\n    token_env: {TOKEN}\n",
            "token_credential": f"    url: https://whm1\n    token_credential: {TOKEN}\n",
            "url": f"    url: https://root:{TOKEN}@whm1\n    token_env: X\n",
            "url only": f"    url: {TOKEN}\n    token_env: X\n",
        }
        for name, host in cases.items():
            with self.subTest(name):
                config = os.path.join(self.work, "c.yml")
                with open(config, "w") as f:
                    f.write(f"listen_address: 127.0.0.1:0\nstate_directory: {self.work}/state\n"
                            f"hosts:\n  - name: h1\n{host}")
                check = subprocess.run([EXPORTER, "check-config", config], capture_output=True,
                                       timeout=scaled(30))
                serve = subprocess.run([EXPORTER, "serve", "--config", config],
                                       capture_output=True, timeout=scaled(30))
                self.assertEqual(check.returncode, 2)
                self.assertNotEqual(serve.returncode, 0)
                for out in (check.stdout, check.stderr, serve.stdout, serve.stderr):
                    self.assertEqual(token_pieces(out.decode()), [], out.decode())


def notify_socket(workdir):
    path = os.path.join(workdir, "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    return s, path


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def minimal_config(self):
        path = os.path.join(self.work, "config.yml")
        with open(path, "w") as f:
            f.write(f"listen_address: 127.0.0.1:0\nstate_directory: {self.work}/state\n")
        return path

    def test_sighup_right_after_ready_never_kills_the_daemon(self):
        config = self.minimal_config()
        sock, path = notify_socket(self.work)
        log = open(os.path.join(self.work, "runs.log"), "wb")
        try:
            for run in range(40):
                with self.subTest(run=run):
                    sock.setblocking(False)
                    try:  # what an earlier run said after its reload
                        while sock.recv(4096):
                            pass
                    except BlockingIOError:
                        pass
                    sock.settimeout(scaled(30))
                    p = subprocess.Popen([EXPORTER, "serve", "--config", config],
                                         stdout=log, stderr=log,
                                         env={**os.environ, "NOTIFY_SOCKET": path})
                    try:
                        while b"READY=1" not in sock.recv(4096):
                            pass
                        p.send_signal(signal.SIGHUP)  # the moment systemd would see it ready
                        with self.assertRaises(subprocess.TimeoutExpired):
                            p.wait(timeout=0.3)  # still running: SIGHUP reloaded it
                        p.send_signal(signal.SIGTERM)
                        self.assertEqual(p.wait(timeout=scaled(10)), 0)
                    finally:
                        if p.poll() is None:
                            p.kill()
                            p.wait()
        finally:
            log.close()
            sock.close()

    def test_no_core_dumps(self):
        exporter = Exporter(self.work, self.minimal_config())
        try:
            with open(f"/proc/{exporter.process.proc.pid}/limits") as f:
                core = [line for line in f if line.startswith("Max core file size")][0]
            self.assertEqual(core.split()[4:6], ["0", "0"], core)
        finally:
            exporter.stop()

    def test_a_torn_state_file_is_kept_aside_not_overwritten(self):
        state = os.path.join(self.work, "state")
        os.makedirs(state)
        torn = '{"version":1,"sessions":[{"host":"whm1","session_id":"kept"},{"ho'
        with open(os.path.join(state, "sessions.json"), "w") as f:
            f.write(torn)
        api_token = write_token(self.work, "api.token", API_TOKEN)
        whm = HostileWhm(self.work, {"s1": Session("RUNNING")})
        exporter = Exporter(self.work, hostile_config(
            self.work, whm, ["s1"], extra=f"api:\n  bearer_token_file: {api_token}"))
        try:
            aside = [n for n in os.listdir(state) if n.startswith("sessions.json.corrupt-")]
            self.assertEqual(len(aside), 1, os.listdir(state))
            status, _ = exporter.request("POST", "/api/v1/sessions",
                                         json.dumps({"host": "whm1", "session_id": "new1"}),
                                         {"X-Api-Token": API_TOKEN})
            self.assertEqual(status, 201)
            with open(os.path.join(state, aside[0])) as f:
                self.assertEqual(f.read(), torn)
            self.assertIn("kept as", exporter.process.output())
        finally:
            exporter.stop()
            whm.stop()


def make_wal_tree(root):
    """A transfer_sessions folder with a WAL-mode whmxfer.sqlite (no -wal or -shm: nobody has
    it open) and one session with its log, as cPanel leaves it between writes."""
    os.makedirs(root)
    db = sqlite3.connect(os.path.join(root, "whmxfer.sqlite"))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE sessions (sessionid TEXT PRIMARY KEY, initiator TEXT, creator TEXT,"
               " pid INTEGER, version TEXT, target_host TEXT, source_host TEXT, state INTEGER,"
               " starttime INTEGER, endtime INTEGER)")
    db.execute("INSERT INTO sessions VALUES ('walsession', 'copyacct', 'root', 1, '2.3', 'dst',"
               " 'src', 20, ?, NULL)", (int(time.time()),))
    db.commit()
    db.close()
    os.makedirs(os.path.join(root, "walsession"))
    with open(os.path.join(root, "walsession", "master.log"), "w") as f:
        f.write(session_log(("u1", "u2")))
    for dirpath, dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)  # readable, writable by root only
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


class LocalDatabaseTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()
        os.chmod(self.work, 0o755)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def run_local(self, as_nobody):
        tree = os.path.join(self.work, "transfer_sessions")
        make_wal_tree(tree)
        state = os.path.join(self.work, "state")
        os.makedirs(state)
        config = os.path.join(self.work, "config.yml")
        with open(config, "w") as f:
            f.write(f"listen_address: 127.0.0.1:0\nstate_directory: {state}\n"
                    f"local:\n  enabled: true\n  path: {tree}\n  poll_interval: 1s\n"
                    f"  host_label: whm-local\n")
        os.chmod(config, 0o644)
        prefix = []
        if as_nobody:
            os.chown(state, 65534, 65534)
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        exporter = Exporter(self.work, config, prefix=prefix)
        try:
            def read():
                s = [x for x in exporter.sessions()["sessions"] if x["session_id"] == "walsession"]
                return s and s[0]["api_state"] == "RUNNING" and \
                    s[0]["summary"]["session"]["lines"] > 0
            wait_for(read, timeout=scaled(20), what="the WAL database read")
            time.sleep(scaled(2.5))  # more polls
            series = exporter.metrics()
            self.assertEqual(metric(series, "whm_transfer_local_database_up"), 1.0)
        finally:
            exporter.stop()
        self.assertEqual(sorted(os.listdir(tree)), ["walsession", "whmxfer.sqlite"])

    def test_a_wal_database_is_read_without_writing_into_the_folder_as_root(self):
        self.run_local(as_nobody=False)

    def test_a_wal_database_is_read_without_writing_into_the_folder_as_nobody(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to become another user")
        self.run_local(as_nobody=True)


# ---- hostile clients -------------------------------------------------------------------

def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


WRK_SCRIPT = """
wrk.headers["Authorization"] = "%s"
local burst = %d
init = function(args)
  local r = {}
  for i = 1, burst do r[i] = wrk.format(nil, "%s") end
  request_text = table.concat(r)
end
request = function() return request_text end
"""


class WrkFlood:
    """Clients that ask as fast as they can (wrk, in C: the attacker's CPU must not be what
    is measured on a 2-core machine): `burst` requests pipelined per round trip."""

    def __init__(self, workdir, port, kind, connections, seconds):
        auth, burst, path = {
            "wrong_password": (basic(WEB_USER, "wrong password"), 1, "/metrics"),
            "pipelining": (basic(WEB_USER, WEB_PASSWORD), 32, "/"),
        }[kind]
        script = os.path.join(workdir, f"{kind}.lua")
        with open(script, "w") as f:
            f.write(WRK_SCRIPT % (auth, burst, path))
        wrk = require_tool(shutil.which("wrk") or "/usr/bin/wrk")
        self.process = subprocess.Popen(
            [wrk, "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout=30s", "-s", script,
             f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out = self.process.communicate(timeout=60)[0]
        return out.decode(errors="replace")


class NonReaders:
    """Clients that send 200 pipelined requests for /metrics (large, and already served from
    the render cache: what is tested is the writes that never finish, not rendering) and
    never read an answer, each on a thread."""

    def __init__(self, port, count):
        self.port = port
        self.stopping = False
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping = True
        for t in self.threads:
            t.join(timeout=10)
        return ""

    def _run(self):
        auth = basic(WEB_USER, WEB_PASSWORD)
        burst = (f"GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\r\n"
                 * 200).encode()
        while not self.stopping:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    s.sendall(burst)
                    while not self.stopping:  # never reads; the server closes it in time
                        time.sleep(0.2)
            except OSError:
                time.sleep(0.05)


class FloodFixture(unittest.TestCase):
    """An exporter with basic auth polling SESSIONS sessions of a WHM server, and hostile
    clients of given kinds around a legitimate scraper."""
    SESSIONS = 150
    MAX_CONNECTIONS = 512  # limits.max_connections (the default)

    def setUp(self):
        self.work = new_workdir()
        sessions = {f"s{i:03d}": Session("RUNNING", accounts=tuple(f"u{i}_{k}" for k in range(8)))
                    for i in range(self.SESSIONS)}
        self.whm = HostileWhm(self.work, sessions)
        web = os.path.join(self.work, "web.yml")
        with open(web, "w") as f:
            f.write(f"basic_auth_users:\n  {WEB_USER}: '{WEB_HASH}'\n")
        self.poll_interval = 5.0
        config = hostile_config(self.work, self.whm, list(sessions),
                                extra=f"web_config_file: {web}\n"
                                      f"limits:\n  max_connections: {self.MAX_CONNECTIONS}",
                                poll_interval="5s")
        self.exporter = Exporter(self.work, config)
        self.auth = {"Authorization": basic(WEB_USER, WEB_PASSWORD)}
        wait_for(lambda: self.scrape()[0] == 200 and len(self.whm.requests) >= 2 * self.SESSIONS,
                 timeout=scaled(60), what="first round of polls")

    def tearDown(self):
        self.exporter.stop()
        self.whm.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def scrape(self):
        start = time.monotonic()
        req = urllib.request.Request(self.exporter.url("/metrics"), headers=self.auth)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                r.read()
                return r.status, time.monotonic() - start
        except OSError as e:
            return str(e), time.monotonic() - start

    def under_flood(self, kinds, per_kind=64, seconds=15):
        floods = [NonReaders(self.exporter.port, per_kind) if kind == "non_reading" else
                  WrkFlood(self.work, self.exporter.port, kind, per_kind, seconds + 4)
                  for kind in kinds]
        try:
            time.sleep(2)  # the flood is on
            start = time.monotonic()
            scrapes = []
            while time.monotonic() - start < seconds:
                scrapes.append(self.scrape())
                time.sleep(0.5)
            end = time.monotonic()
        finally:
            for f in floods:
                f.stop()
        polls = len(self.whm.requests_between(start, end))
        expected = 2 * self.SESSIONS * (end - start) / self.poll_interval
        slowest = max(t for _, t in scrapes)
        print(f"\n{'+'.join(kinds)}: {len(scrapes)} scrapes, slowest {slowest:.3f} s, "
              f"statuses {sorted({s for s, _ in scrapes}, key=str)}, polls {polls} of "
              f"{expected:.0f} expected", flush=True)
        return scrapes, polls / expected

    def check(self, scrapes, poll_rate):
        for status, took in scrapes:
            self.assertEqual(status, 200)
            self.assertLess(took, 1.0 * BUILD_SLOWDOWN)  # the goal: under 1 s
        # "Polls keep their rate" is a goal for the daemon as shipped, an optimized build
        # (0.97 to 1.0 here). Under ASan every handler costs several times as much and 64
        # clients pipelining pages take most of the loop (polls at about 25 %): there the test
        # asks only that polling goes on.
        self.assertGreater(poll_rate, 0.8 if BUILD_SLOWDOWN == 1 else 0.1)
        self.assertTrue(self.exporter.process.alive())


class HostileClientsTest(FloodFixture):
    """64 hostile clients of a kind: a legitimate scrape answers in under 1 s and the polls
    keep their rate."""

    def test_wrong_passwords(self):
        self.check(*self.under_flood(["wrong_password"]))


class NonReadersAtTheLimitTest(FloodFixture):
    """64 clients that never read their answers fill a 64-connection limit: each is evicted
    once its write stalls, so the scraper still gets in (it was refused, every slot busy)."""
    MAX_CONNECTIONS = 64

    def test_clients_that_never_read(self):
        self.check(*self.under_flood(["non_reading"]))


class PipelinedPagesTest(FloodFixture):
    """64 clients pipelining `GET /` (and the other kinds beside them): the page is rendered
    once per reuse window of the page cache, not once per request."""

    def test_pipelined_landing_pages(self):
        self.check(*self.under_flood(["pipelining"]))

    def test_every_kind_at_once(self):
        self.check(*self.under_flood(["wrong_password", "pipelining", "non_reading"]))


class RegistrationLimitTest(unittest.TestCase):
    """A registration storm past max_sessions_per_host is refused at the door (409)."""

    def setUp(self):
        self.work = new_workdir()
        api_token = write_token(self.work, "api.token", API_TOKEN)
        self.whm = HostileWhm(self.work, {"s1": Session("RUNNING")})
        self.exporter = Exporter(self.work, hostile_config(
            self.work, self.whm, ["s1"],
            extra=f"api:\n  bearer_token_file: {api_token}\nlimits:\n  max_sessions_per_host: 50"))

    def tearDown(self):
        self.exporter.stop()
        self.whm.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def test_a_registration_storm_is_limited_and_drops_are_counted_once(self):
        statuses = []
        for i in range(80):
            status, _ = self.exporter.request(
                "POST", "/api/v1/sessions", json.dumps({"host": "whm1", "session_id": f"r{i}"}),
                {"X-Api-Token": API_TOKEN})
            statuses.append(status)
        self.assertEqual(statuses.count(201), 49)  # 50 per host, one configured
        self.assertEqual(set(statuses[49:]), {409}, statuses)
        dropped = metric(self.exporter.metrics(), "whm_transfer_dropped_total",
                         limit="sessions_per_host") or 0
        self.assertEqual(dropped, 0)  # refused at the door: nothing was dropped later
        self.exporter.process.send_signal(signal.SIGHUP)
        time.sleep(scaled(1))
        self.assertEqual(metric(self.exporter.metrics(), "whm_transfer_dropped_total",
                                limit="sessions_per_host") or 0, 0)


class LockedDatabaseTest(unittest.TestCase):
    """A database locked by cPanel (rollback mode, an exclusive transaction) for many polls:
    every poll's read waits up to its busy timeout, which must never be the event loop's
    wait (LocalSource reads it with SessionDatabase::read_async)."""

    def setUp(self):
        self.work = new_workdir()

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_healthy_answers_within_50ms_while_the_database_is_locked(self):
        tree = os.path.join(self.work, "transfer_sessions")
        make_wal_tree(tree)
        db = sqlite3.connect(os.path.join(tree, "whmxfer.sqlite"), isolation_level=None)
        db.execute("PRAGMA journal_mode=DELETE")  # rollback mode: a writer locks readers out
        config = os.path.join(self.work, "config.yml")
        with open(config, "w") as f:
            f.write(f"listen_address: 127.0.0.1:0\nstate_directory: {self.work}/state\n"
                    f"local:\n  enabled: true\n  path: {tree}\n  poll_interval: 1s\n")
        exporter = Exporter(self.work, config)
        try:
            db.execute("BEGIN EXCLUSIVE")
            slowest = 0.0
            end = time.monotonic() + 6  # six polls, each waiting for the lock
            while time.monotonic() < end:
                start = time.monotonic()
                self.assertEqual(exporter.get("/-/healthy")[0], 200)
                slowest = max(slowest, time.monotonic() - start)
                time.sleep(0.02)
            db.execute("COMMIT")
            self.assertLess(slowest, 0.05 * BUILD_SLOWDOWN)
        finally:
            db.close()
            exporter.stop()


if __name__ == "__main__":
    unittest.main()
