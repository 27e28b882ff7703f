"""A headless Chromium driven over the DevTools protocol, with python3's standard library only.

The protocol runs over a WebSocket; the standard library has no client, so this file holds the
little of RFC 6455 it needs: the opening handshake, masked text frames out, text frames in
(fragmented or not), ping/pong and close. No extensions (no compression), no TLS (loopback).
Chromium listens on port 0 and writes the port it got to DevToolsActivePort."""
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.request

from .harness import wait_for

CHROMIUM = "/usr/bin/chromium"
_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocket:
    """A client WebSocket over a plain TCP connection (ws:// only)."""

    def __init__(self, url, timeout=30.0):
        assert url.startswith("ws://"), url
        hostport, _, path = url[len("ws://"):].partition("/")
        host, _, port = hostport.rpartition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.buffer = b""
        key = base64.b64encode(os.urandom(16))
        self.sock.sendall(b"GET /" + path.encode() + b" HTTP/1.1\r\nHost: " + hostport.encode() +
                          b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/1.1 101"):
            raise ConnectionError(f"WebSocket handshake refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip()
                   for k, _, v in (line.partition(":") for line in lines[1:])}
        accept = base64.b64encode(hashlib.sha1(key + _WS_GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != accept:
            raise ConnectionError("WebSocket handshake: bad Sec-WebSocket-Accept")

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("WebSocket closed by the peer")
        self.buffer += chunk

    def _take(self, n):
        while len(self.buffer) < n:
            self._fill()
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _send_frame(self, opcode, payload):
        """One final frame, masked as every client frame must be."""
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send_text(self, text):
        self._send_frame(0x1, text.encode("utf-8"))

    def _read_frame(self):
        b0, b1 = self._take(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._take(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._take(8))[0]
        mask = self._take(4) if b1 & 0x80 else None
        payload = self._take(n)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return bool(b0 & 0x80), b0 & 0x0F, payload

    def receive_text(self):
        """The next whole text message (continuation frames joined; pings answered)."""
        parts = []
        while True:
            fin, opcode, payload = self._read_frame()
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:  # pong
                continue
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by the peer")
            parts.append(payload)
            if fin:
                return b"".join(parts).decode("utf-8")

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()


class DevTools:
    """One page target: commands wait for their answer; events are kept in `events`."""

    def __init__(self, ws_url):
        self.ws = WebSocket(ws_url)
        self.next_id = 0
        self.events = []

    def call(self, method, timeout=30.0, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send_text(json.dumps({"id": my_id, "method": method, "params": params}))
        self.ws.sock.settimeout(timeout)
        while True:
            msg = json.loads(self.ws.receive_text())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method, timeout=30.0):
        """The first event `method` not yet consumed (kept in `events` too)."""
        deadline = time.monotonic() + timeout
        seen = len(self.events)
        for e in self.events[:seen]:
            if e["method"] == method and not e.get("_consumed"):
                e["_consumed"] = True
                return e
        while time.monotonic() < deadline:
            self.ws.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                msg = json.loads(self.ws.receive_text())
            except socket.timeout:
                break
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    msg["_consumed"] = True
                    return msg
        raise AssertionError(f"no {method} event within {timeout} s")

    def evaluate(self, expression):
        """The value of a JavaScript expression (JSON-serialisable), or an AssertionError."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise AssertionError(f"JavaScript threw: {r['exceptionDetails']}")
        return r["result"].get("value")

    def close(self):
        self.ws.close()


class Chromium:
    """Headless Chromium with a new profile, its DevTools on a loopback port 0. stop() kills
    its whole process group (the wrapper script, the browser, renderers, GPU and zygote)."""

    def __init__(self, workdir, width=1400, height=1000):
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
        self.log_path = os.path.join(workdir, "chromium.log")
        self.log = open(self.log_path, "wb")
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                f"--window-size={width},{height}", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank"]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.port = wait_for(self._active_port, timeout=60, interval=0.1,
                             what="Chromium's DevToolsActivePort")

    def _active_port(self):
        if self.proc.poll() is not None:
            raise AssertionError("chromium exited:\n" + self.output())
        try:
            with open(os.path.join(self.profile, "DevToolsActivePort")) as f:
                lines = f.read().split("\n")
        except FileNotFoundError:
            return None
        return int(lines[0]) if len(lines) >= 2 and lines[0].isdigit() else None

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def page(self):
        """A DevTools connection to the browser's page (the about:blank it started with)."""
        def first_page():
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list",
                                        timeout=5) as r:
                pages = [t for t in json.loads(r.read()) if t.get("type") == "page"]
            return pages[0]["webSocketDebuggerUrl"] if pages else None
        return DevTools(wait_for(first_page, timeout=30, interval=0.2, what="a page target"))

    def stop(self):
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # The browser's children are in the same group; make sure none outlives the test.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
