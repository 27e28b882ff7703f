"""TLS and basic auth on every web endpoint, from a web config file in the format of
Prometheus' exporter-toolkit, checked with the curl binary as an operator would: the right
user and password over https give 200, a wrong or missing password 401 with a challenge,
plain http to the TLS port gets no answer, and an untrusted certificate is refused."""
import os
import shutil
import subprocess
import unittest

from wte_testing.harness import (WEB_HASH, WEB_PASSWORD, WEB_USER, Exporter, Simulator, TOKEN,
                                 metric, new_workdir, parse_metrics, wait_for, write_config,
                                 write_web_config)

# curl's exit codes that matter here (curl(1), "EXIT CODES").
CURL_EMPTY_REPLY = 52  # the server closed the connection without a byte of answer
CURL_UNTRUSTED_CERT = 60


class WebAccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("curl") is None:
            raise unittest.SkipTest("curl is not installed (scripts/install-deps installs it)")
        cls.work = new_workdir()
        cls.sim = Simulator(cls.work, "--hosts", "1", "--sessions-per-host", "1",
                            "--accounts", "50", "--rate", "20", "--seed", "3")
        web_config, cls.cert = write_web_config(cls.work)
        config = write_config(cls.work, cls.sim, extra=f"web_config_file: {web_config}")
        cls.exporter = Exporter(cls.work, config, "--web.enable-lifecycle")
        cls.base = f"https://127.0.0.1:{cls.exporter.port}"

    @classmethod
    def tearDownClass(cls):
        cls.exporter.stop()
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def curl(self, path, *args, user=None, url=None, cacert=True):
        """(exit code, HTTP status or 0, headers text, body text) of one curl request."""
        headers = os.path.join(self.work, "curl-headers.txt")
        body = os.path.join(self.work, "curl-body.txt")
        for f in (headers, body):
            if os.path.exists(f):
                os.remove(f)
        cmd = ["curl", "--silent", "--show-error", "--max-time", "10", "--dump-header",
               headers, "--output", body, "--write-out", "%{http_code}"]
        if cacert:
            cmd += ["--cacert", self.cert]
        if user is not None:
            cmd += ["--user", user]
        r = subprocess.run(cmd + [*args, (url or self.base) + path], capture_output=True,
                           timeout=30)

        def read(f):
            if not os.path.exists(f):
                return ""
            with open(f, encoding="utf-8", errors="replace") as fh:
                return fh.read()
        self.last_stderr = r.stderr.decode("utf-8", "replace")  # curl's reason, for messages
        return r.returncode, int(r.stdout or b"0"), read(headers), read(body)

    def authorized(self, path, *args):
        return self.curl(path, *args, user=f"{WEB_USER}:{WEB_PASSWORD}")

    def test_correct_credentials_over_https_reach_every_endpoint(self):
        for path in ("/metrics", "/", "/api/v1/sessions", "/-/healthy", "/-/ready"):
            with self.subTest(path=path):
                code, status, _, body = self.authorized(path)
                self.assertEqual((code, status), (0, 200), (self.last_stderr, body))
        code, status, _, body = self.authorized("/-/reload", "--request", "POST")
        self.assertEqual((code, status), (0, 200), (self.last_stderr, body))
        # And the exporter behind it works: the host is polled and up.
        def up():
            _, status, _, body = self.authorized("/metrics")
            return status == 200 and metric(parse_metrics(body), "whm_transfer_host_up",
                                            host=self.sim.hosts[0]["name"]) == 1.0
        wait_for(up, timeout=30, interval=0.3, what="host up, seen through TLS and auth")

    def test_wrong_or_missing_credentials_get_401_with_a_challenge(self):
        cases = {"wrong password": f"{WEB_USER}:not the password",
                 "unknown user": f"someone:{WEB_PASSWORD}",
                 "empty password": f"{WEB_USER}:",
                 "no credentials": None}
        for what, user in cases.items():
            for path in ("/metrics", "/", "/api/v1/sessions", "/-/healthy"):
                with self.subTest(what=what, path=path):
                    code, status, headers, body = self.curl(path, user=user)
                    self.assertEqual((code, status), (0, 401), (self.last_stderr, body))
                    self.assertRegex(headers.lower(), r"(?m)^www-authenticate: basic")
                    self.assertNotIn("whm_transfer", body)
        code, status, _, _ = self.curl("/-/reload", "--request", "POST")
        self.assertEqual((code, status), (0, 401))

    def test_plain_http_to_the_tls_port_gets_no_answer(self):
        # The TLS handshake fails on the HTTP bytes (read whole into the TLS buffer) and the
        # connection is closed cleanly: no HTTP status at all, not even a 400, and no reset.
        code, status, headers, body = self.curl("/metrics", user=f"{WEB_USER}:{WEB_PASSWORD}",
                                                url=f"http://127.0.0.1:{self.exporter.port}")
        self.assertEqual(code, CURL_EMPTY_REPLY, (self.last_stderr, headers))
        self.assertEqual(status, 0)
        self.assertNotIn("whm_transfer", body)
        # The listener is still fine afterwards.
        self.assertEqual(self.authorized("/metrics")[:2], (0, 200))

    def test_an_untrusted_certificate_is_refused_by_the_client(self):
        code, status, _, _ = self.curl("/metrics", user=f"{WEB_USER}:{WEB_PASSWORD}", cacert=False)
        self.assertEqual((code, status), (CURL_UNTRUSTED_CERT, 0), self.last_stderr)

    def test_no_secret_in_the_output(self):
        self.authorized("/metrics")
        self.curl("/metrics", user=f"{WEB_USER}:wrong")
        out = self.exporter.process.output()
        for secret in (TOKEN, WEB_PASSWORD, WEB_HASH):
            self.assertNotIn(secret, out)
        body = self.authorized("/")[3] + self.authorized("/api/v1/sessions")[3]
        for secret in (TOKEN, WEB_PASSWORD, WEB_HASH):
            self.assertNotIn(secret, body)


if __name__ == "__main__":
    unittest.main()
