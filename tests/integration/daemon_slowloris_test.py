"""Slowloris: 1,000 idle connections that connect and send nothing do not stop a normal
scrape of /metrics from succeeding within 1 s, over plain HTTP and over TLS with basic
auth. At the connection limit (limits.max_connections, 512 by default) the connection
waiting longest for its request header is dropped and counted in
whm_transfer_dropped_total{limit="connections"}; under the limit nothing is dropped."""
import base64
import http.client
import os
import resource
import shutil
import socket
import ssl
import time
import unittest

from wte_testing.harness import (WEB_PASSWORD, WEB_USER, Exporter, Simulator, metric, new_workdir,
                                 parse_metrics, wait_for, write_config, write_web_config)

IDLE = 1000
DEFAULT_LIMIT = 512


def accept_queue(port):
    """Connections to 127.0.0.1:port that the kernel holds, not yet accepted by the server
    (/proc/net/tcp reports that as the rx_queue of the listening socket)."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local, state, queues = fields[1], fields[3], fields[4]
            if state == "0A" and local == f"0100007F:{port:04X}":
                return int(queues.split(":")[1], 16)
    raise AssertionError(f"no listening socket on 127.0.0.1:{port}")


def raise_fd_limit(wanted):
    """Lets this process (and the exporter, which inherits it) hold `wanted` sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        raise unittest.SkipTest(f"the hard limit of open files is {hard}, {wanted} are needed")
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


class SlowlorisTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        raise_fd_limit(IDLE + 1024)
        cls.work = new_workdir()
        cls.sim = Simulator(cls.work, "--hosts", "1", "--sessions-per-host", "1",
                            "--accounts", "50", "--rate", "20", "--seed", "4")

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def start(self, name, extra="", tls=False):
        work = os.path.join(self.work, name)
        os.makedirs(work)
        self.tls = None
        if tls:
            web_config, cert = write_web_config(work)
            extra += f"\nweb_config_file: {web_config}"
            self.tls = ssl.create_default_context(cafile=cert)
        exporter = Exporter(work, write_config(work, self.sim, extra=extra))
        self.addCleanup(exporter.stop)
        return exporter

    def scrape(self, port):
        """(status, body, seconds) of one GET /metrics on a new connection."""
        headers = {}
        if self.tls:
            credentials = base64.b64encode(f"{WEB_USER}:{WEB_PASSWORD}".encode()).decode()
            headers["Authorization"] = f"Basic {credentials}"
        start = time.monotonic()
        if self.tls:
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=self.tls)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/metrics", headers=headers)
            r = conn.getresponse()
            body = r.read().decode()
            return r.status, body, time.monotonic() - start
        finally:
            conn.close()

    def dropped(self, port):
        status, body, _ = self.scrape(port)
        self.assertEqual(status, 200)
        return metric(parse_metrics(body), "whm_transfer_dropped_total", limit="connections")

    def idle_connections(self, port):
        """IDLE connections that send nothing, closed when the test ends."""
        socks = []

        def close_all():
            for s in socks:
                s.close()
        self.addCleanup(close_all)
        for _ in range(IDLE):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        return socks

    def check(self, exporter, limit):
        port = exporter.port
        # A scraper that has scraped before (over TLS its password is then in the auth cache).
        status, _, _ = self.scrape(port)
        self.assertEqual(status, 200)
        before = self.dropped(port)
        start = time.monotonic()
        socks = self.idle_connections(port)
        # The scrape is measured once the server has taken them all from the kernel (under
        # ASan that alone takes some 0.5 s); if it could not, this wait fails.
        wait_for(lambda: accept_queue(port) == 0, timeout=30, what="every connection accepted")
        accepted = time.monotonic() - start
        status, body, first = self.scrape(port)
        self.assertEqual(status, 200)
        self.assertIn("whm_transfer_exporter_build_info", body)  # a whole page, whenever polled
        self.assertLess(first, 1.0, f"a scrape with {IDLE} idle connections open")
        # The idle ones are still open on our side; a second scrape works too.
        status, _, second = self.scrape(port)
        self.assertEqual(status, 200)
        self.assertLess(second, 1.0)
        dropped = self.dropped(port) - before
        if limit < IDLE:
            # Every idle connection over the limit evicted an older one, and each scrape one
            # more; never more than one per connection made.
            self.assertGreaterEqual(dropped, IDLE - limit)
            self.assertLessEqual(dropped, IDLE + 3)
        else:
            self.assertEqual(dropped, 0)
        print(f"\n  {IDLE} idle connections, limit {limit}: opened and accepted in "
              f"{accepted * 1000:.0f} ms, then scrapes took {first * 1000:.0f} and "
              f"{second * 1000:.0f} ms, {dropped:.0f} connections dropped")
        for s in socks:
            s.close()
        self.assertEqual(self.scrape(port)[0], 200)
        self.assertTrue(exporter.process.alive())

    def test_plain_http_default_limit(self):
        self.check(self.start("plain"), DEFAULT_LIMIT)

    def test_plain_http_limit_above_the_idle_connections(self):
        self.check(self.start("roomy", extra="limits:\n  max_connections: 2048"), 2048)

    def test_tls_and_basic_auth_default_limit(self):
        self.check(self.start("tls", tls=True), DEFAULT_LIMIT)


if __name__ == "__main__":
    unittest.main()
