"""A WHM server that misbehaves on purpose, written from the WHM API's documented behaviour
and independent of the simulator (tools/whm-sim): HTTPS on loopback, keep-alive, and per
session the answers a hostile or broken server might give. The exporter must survive all
of them without a crash, crossed counts or a leaked token."""
import json
import socket
import ssl
import threading
import time
import urllib.parse

from .harness import self_signed_certificate


def envelope(data, result=1, reason="OK", command="x"):
    return json.dumps({"data": data, "metadata": {"command": command, "reason": reason,
                                                   "result": result, "version": 1}})


def log_line(action, queue=None, item=None, msg=None):
    contents = {"action": action}
    if queue:
        contents["queue"] = queue
    if item:
        contents["item"] = item
    if msg is not None:
        contents["msg"] = msg
    return json.dumps({"pid": 1, "type": "control", "contents": contents}) + "\n"


def session_log(accounts):
    """A finished session's master log with `accounts` accounts in both queues."""
    text = log_line("start") + log_line("version", msg="2.3")
    for q in ("TRANSFER", "RESTORE"):
        text += log_line("queue_count", queue=q, msg=len(accounts))
    for a in accounts:
        for q in ("TRANSFER", "RESTORE"):
            text += log_line("start-item", queue=q, item=a, msg={"size": 1})
            text += log_line("success-item", queue=q, item=a,
                             msg={"size": 1, "warnings": 0, "skipped_items": 0,
                                  "dangerous_items": 0, "altered_items": 0})
    return text + log_line("complete")


def response_bytes(body, status=200, content_type="application/json"):
    data = body.encode() if isinstance(body, str) else body
    reason = {200: "OK", 403: "Forbidden", 500: "Internal Server Error"}.get(status, "X")
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


class Session:
    """What the server says about one session. `state_body` / `log_body`, when set, replace
    the honest answer (a raw JSON text)."""

    def __init__(self, state="COMPLETED", accounts=("a1",)):
        self.state = state
        self.log = session_log(accounts)
        self.state_body = None
        self.log_body = None


class HostileWhm:
    def __init__(self, workdir, sessions):
        self.sessions = sessions
        self.cert, self.key = self_signed_certificate(workdir, "whm")
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(self.cert, self.key)
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.requests = []  # (monotonic time, call, session id)
        self.extra_once = None  # raw bytes sent, once, right behind the next answer
        self.stopping = False
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self):
        self.stopping = True
        self.listener.close()
        with self.lock:
            for c in self.connections:
                try:
                    c.close()
                except OSError:
                    pass

    def requests_between(self, start, end):
        with self.lock:
            return [r for r in self.requests if start <= r[0] < end]

    def _accept(self):
        while not self.stopping:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw):
        try:
            conn = self.context.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        with self.lock:
            self.connections.append(conn)
        buffer = b""
        try:
            while not self.stopping:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
                answer = self._answer(target)
                with self.lock:
                    extra, self.extra_once = self.extra_once, None
                conn.sendall(answer + (extra or b""))
        except (OSError, ssl.SSLError, IndexError):
            pass
        finally:
            conn.close()

    def _answer(self, target):
        url = urllib.parse.urlsplit(target)
        call = url.path.rsplit("/", 1)[-1]
        sid = urllib.parse.parse_qs(url.query).get("transfer_session_id", [""])[0]
        with self.lock:
            self.requests.append((time.monotonic(), call, sid))
        s = self.sessions.get(sid)
        if s is None:
            return response_bytes(envelope({}, result=0, reason="no such session"))
        if call == "get_transfer_session_state":
            body = s.state_body or envelope({"state_name": s.state},
                                            command="get_transfer_session_state")
        elif call == "fetch_transfer_session_log":
            body = s.log_body or envelope({"log": s.log}, command="fetch_transfer_session_log")
        else:
            return response_bytes("not found", status=404, content_type="text/plain")
        return response_bytes(body)
