"""check-config and serve run one validation: every broken config in the table below is
refused by both, with the same message (regression: check-config passed configs that serve
then refused -- an API token file missing or readable by others, a missing web config, an
unknown key or a non-bcrypt hash in it, a missing CA file)."""
import os
import shutil
import subprocess
import unittest

from wte_testing.harness import EXPORTER, new_workdir, write_web_config

TOKEN_TEXT = "PARITYTOKEN0123456789ABCDEFGHIJKLMNOP"


def write(path, text, mode=0o600):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


class ConfigParityTest(unittest.TestCase):
    def setUp(self):
        self.work = new_workdir()
        self.token = write(os.path.join(self.work, "whm.token"), TOKEN_TEXT + "\n")
        self.api_token = write(os.path.join(self.work, "api.token"), "APITOKEN0123456789xyz\n")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def config(self, extra="", host_extra=""):
        text = (f"listen_address: 127.0.0.1:0\nstate_directory: {self.work}/state\n{extra}\n"
                "hosts:\n  - name: whm1\n    url: https://127.0.0.1:1\n"
                f"    token_file: {self.token}\n{host_extra}")
        return write(os.path.join(self.work, "config.yml"), text, 0o644)

    def web(self, text):
        return write(os.path.join(self.work, "web.yml"), text, 0o644)

    def cases(self):
        web_ok, _ = write_web_config(self.work)
        with open(web_ok, encoding="utf-8") as f:
            web_text = f.read()
        yield "API token file missing", self.config(
            f"api:\n  bearer_token_file: {self.work}/nope.token"), "nope.token"
        write(self.api_token, "APITOKEN0123456789xyz\n", 0o644)
        yield "API token file readable by others", self.config(
            f"api:\n  bearer_token_file: {self.api_token}"), "api.token"
        yield "web config file missing", self.config(
            f"web_config_file: {self.work}/missing-web.yml"), "missing-web.yml"
        yield "unknown key in the web config", self.config(
            "web_config_file: " + self.web(web_text + "\nbogus_key: 1\n")), "bogus_key"
        yield "not a bcrypt hash in the web config", self.config(
            "web_config_file: " + self.web("basic_auth_users:\n  admin: plaintext\n")), "bcrypt"
        yield "CA file missing", self.config(
            host_extra=f"    ca_file: {self.work}/missing-ca.pem\n"), "missing-ca.pem"
        yield "TLS certificate of the web config missing", self.config(
            "web_config_file: " + self.web(
                "tls_server_config:\n  cert_file: /nonexistent/cert.pem\n"
                "  key_file: /nonexistent/key.pem\n")), "cert.pem"
        os.chmod(self.token, 0o600)

    def run_both(self, config):
        check = subprocess.run([EXPORTER, "check-config", config], capture_output=True,
                               timeout=60)
        serve = subprocess.run([EXPORTER, "serve", "--config.file", config], capture_output=True,
                               timeout=60)
        return check, serve

    def test_every_broken_config_is_refused_by_both_with_the_same_message(self):
        for what, config, needle in self.cases():
            with self.subTest(what=what):
                check, serve = self.run_both(config)
                check_err, serve_err = check.stderr.decode(), serve.stderr.decode()
                self.assertEqual(check.returncode, 2, check_err)
                self.assertEqual(serve.returncode, 2, serve_err)
                self.assertIn(needle, check_err)
                self.assertIn(needle, serve_err)
                # The same reason, word for word, in both outputs.
                reason = [l for l in check_err.splitlines() if needle in l][0]
                self.assertIn(reason.split(": ", 1)[-1][:60], serve_err)
                for out in (check_err, serve_err, check.stdout.decode(), serve.stdout.decode()):
                    self.assertNotIn(TOKEN_TEXT, out)

    def test_a_good_config_passes_both(self):
        config = self.config(f"api:\n  bearer_token_file: {self.api_token}")
        check = subprocess.run([EXPORTER, "check-config", config], capture_output=True,
                               timeout=60)
        self.assertEqual(check.returncode, 0, check.stderr.decode())


if __name__ == "__main__":
    unittest.main()
