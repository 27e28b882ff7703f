"""The command line as an operator meets it: `--help` for every command, `--version` in the
shape of Prometheus binaries, the ecosystem's flag spellings and their refusals, token-file
errors with file, line, column and key, and `healthcheck` (clean messages, basic auth from a
file, TLS verified unless --insecure) against a real exporter behind TLS and basic auth."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

from wte_testing.harness import (EXPORTER, WEB_PASSWORD, WEB_USER, Exporter, Simulator, new_workdir,
                                 write_config, write_web_config)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMMANDS = ["serve", "progress", "check-config", "sessions", "healthcheck"]
# What an error message must never show: a source path or Boost's error category tags.
INTERNALS = re.compile(r"/usr/include|\.hpp|\.ipp|\[system:|\[asio|boost::|asio\.")


def run(*args, timeout=30):
    r = subprocess.run([EXPORTER, *args], capture_output=True, timeout=timeout)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def unused_port():
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HelpAndVersionTest(unittest.TestCase):
    def test_help_for_every_command(self):
        for command in COMMANDS:
            for flag in ("--help", "-h"):
                with self.subTest(command=command, flag=flag):
                    code, out, err = run(command, flag)
                    self.assertEqual(code, 0, err)
                    self.assertTrue(out.startswith("usage: whm_transfer_exporter"), out)
                    self.assertEqual(err, "")
        code, out, _ = run("--help")
        self.assertEqual(code, 0)
        for command in COMMANDS:
            self.assertIn(command, out)

    def test_serve_help_names_every_flag_and_its_alias(self):
        _, out, _ = run("serve", "--help")
        for flag in ("--config.file", "--web.listen-address", "--web.config.file", "--log.level",
                     "--log.format", "--shard", "--config", "--listen-address", "--log-level"):
            self.assertIn(flag, out)

    def test_version_like_prometheus(self):
        code, out, err = run("--version")
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^whm_transfer_exporter, version \d+\.\d+\.\d+ "
                                   r"\(branch: \S+, revision: \S+\)$")
        fields = dict(re.match(r"^  ([^:]+):\s+(.+)$", line).groups() for line in lines[1:])
        for name in ("build user", "build date", "compiler", "platform", "Boost", "OpenSSL",
                     "prometheus-cpp", "yaml-cpp", "SQLite", "RapidJSON", "zlib"):
            self.assertIn(name, fields)
            self.assertTrue(fields[name].strip(), name)
        self.assertRegex(fields["build date"], r"^\d{8}-\d{2}:\d{2}:\d{2}$")
        self.assertRegex(fields["compiler"], r"^(GCC|Clang) \d+")
        self.assertRegex(fields["Boost"], r"^1\.\d+\.\d+$")
        self.assertRegex(fields["SQLite"], r"^3\.\d+\.\d+$")


class ReadmeTest(unittest.TestCase):
    """The README says what the binary does (issue 16: 'make every sentence true')."""

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
            cls.readme = f.read()

    def test_every_option_of_every_command_is_in_the_readme(self):
        for command in COMMANDS:
            _, out, _ = run(command, "--help")
            for option in sorted(set(re.findall(r"(--[a-z][a-z.-]*[a-z])", out))):
                with self.subTest(command=command, option=option):
                    self.assertRegex(self.readme, rf"(?<![\w.-]){re.escape(option)}(?![\w.-])")

    def test_the_thirteen_states_are_explained(self):
        table = self.readme.split("### The thirteen states", 1)[1].split("\n## ", 1)[0]
        for state in ("PENDING", "REACHEDMAXMEM", "RUNNING", "PAUSING", "ABORTING", "PAUSED",
                      "COMPLETED", "ABORTED", "FAILED", "TRANSFER_PENDING",
                      "TRANSFER_INPROGRESS", "RESTORE_PENDING", "RESTORE_INPROGRESS"):
            self.assertIn(f"`{state}`", table)

    def test_remote_reads_are_described_as_they_are(self):
        self.assertNotIn("reads each master log incrementally", self.readme)
        self.assertIn("returns the whole log", self.readme)

    def test_the_example_config_says_what_persists(self):
        with open(os.path.join(REPO, "config", "whm_transfer_exporter.example.yml")) as f:
            example = f.read()
        self.assertNotIn("finished sessions", example)
        self.assertIn("sessions registered through the API", example)


class BuildInfoCaptureTest(unittest.TestCase):
    """cmake/BuildInfo.cmake, which the build runs: git in a checkout, else -D or the
    environment (a container build has no .git), else "unknown"."""

    def capture(self, source_dir, env=None, **defines):
        out = os.path.join(tempfile.mkdtemp(prefix="wte-bi-"), "values.hpp")
        self.addCleanup(shutil.rmtree, os.path.dirname(out), ignore_errors=True)
        args = ["cmake", f"-DOUTPUT={out}", f"-DSOURCE_DIR={source_dir}", "-DVERSION=9.8.7"]
        args += [f"-D{k}={v}" for k, v in defines.items()]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("WTE_")}
        environ.update(env or {})
        subprocess.run(args + ["-P", os.path.join(REPO, "cmake", "BuildInfo.cmake")],
                       check=True, env=environ, capture_output=True, timeout=60)
        with open(out, encoding="utf-8") as f:
            return dict(re.findall(r'#define WTE_BUILD_(\w+) "(.*)"', f.read()))

    def test_git_checkout(self):
        git = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], capture_output=True,
                             text=True)
        if git.returncode != 0:
            self.skipTest("the source is not a git checkout")
        values = self.capture(REPO)
        self.assertEqual(values["REVISION"], git.stdout.strip())
        self.assertEqual(values["VERSION"], "9.8.7")
        self.assertNotEqual(values["BRANCH"], "unknown")
        # An explicit value wins over git (a release build of a tagged tree).
        self.assertEqual(self.capture(REPO, REVISION="abc123")["REVISION"], "abc123")

    def test_no_git_environment_or_defines(self):
        bare = tempfile.mkdtemp(prefix="wte-src-")
        self.addCleanup(shutil.rmtree, bare, ignore_errors=True)
        self.assertEqual(self.capture(bare)["REVISION"], "unknown")
        values = self.capture(bare, env={"WTE_REVISION": "f00d", "WTE_BRANCH": "release-1",
                                         "WTE_BUILD_USER": "ci@builder",
                                         "WTE_BUILD_DATE": "20260101-00:00:00"})
        self.assertEqual((values["REVISION"], values["BRANCH"], values["USER"], values["DATE"]),
                         ("f00d", "release-1", "ci@builder", "20260101-00:00:00"))
        values = self.capture(bare, env={"WTE_REVISION": "f00d"}, REVISION="beef", BRANCH="b")
        self.assertEqual((values["REVISION"], values["BRANCH"]), ("beef", "b"))
        values = self.capture(bare, env={"SOURCE_DATE_EPOCH": "1700000000"})
        self.assertEqual(values["DATE"], "20231114-22:13:20")


class ServeFlagsTest(unittest.TestCase):
    def test_unknown_log_levels_and_formats_are_refused(self):
        for args, want in [(["--log-level", "verbose"], '--log.level must be debug, info, warn '
                                                        'or error, got "verbose"'),
                           (["--log.level=trace"], 'got "trace"'),
                           (["--log.level", "INFO"], 'got "INFO"'),
                           (["--log.format=xml"], '--log.format must be logfmt or json, got "xml"'),
                           (["--web.listen"], 'unknown argument "--web.listen"'),
                           (["--config.file"], "--config.file needs a value")]:
            with self.subTest(args=args):
                code, out, err = run("serve", *args)
                self.assertEqual(code, 2, err)
                self.assertIn(want, err)
                self.assertEqual(out, "")

    def test_config_rejects_unknown_level_with_its_position(self):
        work = new_workdir()
        self.addCleanup(shutil.rmtree, work, ignore_errors=True)
        path = os.path.join(work, "c.yml")
        with open(path, "w") as f:
            f.write("listen_address: 127.0.0.1:0\nlog_level: verbose\n")
        code, _, err = run("check-config", path)
        self.assertEqual(code, 2)
        self.assertIn(f"{path}:2:12: log_level: invalid log level", err)


class TokenErrorTest(unittest.TestCase):
    def test_token_file_errors_name_file_line_column_and_key(self):
        work = new_workdir()
        self.addCleanup(shutil.rmtree, work, ignore_errors=True)
        loose = os.path.join(work, "loose.token")
        with open(loose, "w") as f:
            f.write("SECRETTOKENVALUE123\n")
        os.chmod(loose, 0o644)
        path = os.path.join(work, "tok.yml")
        with open(path, "w") as f:
            f.write("api:\n"
                    "  bearer_token_file: /nonexistent/api.token\n"
                    "hosts:\n"
                    "  - name: whm1\n"
                    "    url: https://whm1.example.net\n"
                    "    token_file:   /nonexistent/whm1.token\n"
                    "  - name: whm2\n"
                    "    url: https://whm2.example.net\n"
                    "    token_file: " + loose + "\n")
        code, out, err = run("check-config", "--config.file", path)
        self.assertEqual(code, 2, out)
        lines = err.splitlines()
        self.assertIn(f"{path}:6:19: hosts[0].token_file: cannot open token file "
                      f"/nonexistent/whm1.token: No such file or directory", lines)
        self.assertIn(f"{path}:2:22: api.bearer_token_file: cannot open token file "
                      f"/nonexistent/api.token: No such file or directory", lines)
        mode = [l for l in lines if l.startswith(f"{path}:9:17: hosts[1].token_file: ")]
        self.assertEqual(len(mode), 1, err)
        self.assertIn("mode 0644", mode[0])
        self.assertIn(f"{path}: 3 errors", lines)
        self.assertNotIn("SECRETTOKENVALUE123", err + out)


class HealthcheckTest(unittest.TestCase):
    """Against an exporter whose TLS and basic auth come from --web.config.file."""

    @classmethod
    def setUpClass(cls):
        cls.work = new_workdir()
        cls.sim = Simulator(cls.work, "--hosts", "1", "--sessions-per-host", "1",
                            "--accounts", "3", "--rate", "20", "--seed", "4")
        web_config, cls.cert = write_web_config(cls.work)
        config = write_config(cls.work, cls.sim)  # no web_config_file: the flag gives it
        cls.exporter = Exporter(cls.work, config, f"--web.config.file={web_config}")
        cls.https = f"https://127.0.0.1:{cls.exporter.port}/-/healthy"
        cls.auth = cls.secret_file("auth", f"{WEB_USER}:{WEB_PASSWORD}\n")
        cls.wrong = cls.secret_file("wrong", f"{WEB_USER}:not it\n")

    @classmethod
    def secret_file(cls, name, text, mode=0o600):
        path = os.path.join(cls.work, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    @classmethod
    def tearDownClass(cls):
        cls.exporter.stop()
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def healthcheck(self, *args):
        code, out, err = run("healthcheck", *args)
        self.assertNotRegex(err, INTERNALS)
        self.assertNotIn(WEB_PASSWORD, out + err)
        return code, out, err

    def test_verified_tls_and_basic_auth_from_a_file(self):
        code, out, err = self.healthcheck("--url", self.https, "--ca-file", self.cert,
                                          "--basic-auth-file", self.auth)
        self.assertEqual((code, out), (0, "healthy\n"), err)
        code, out, err = run("sessions", "list", "--url", f"https://localhost:{self.exporter.port}",
                             "--ca-file", self.cert, "--basic-auth-file", self.auth)
        self.assertEqual(code, 0, err)

    def test_the_certificate_is_verified_unless_insecure(self):
        code, _, err = self.healthcheck("--url", self.https, "--basic-auth-file", self.auth)
        self.assertEqual(code, 1)
        self.assertIn(f"unhealthy: {self.https}: TLS handshake with 127.0.0.1:"
                      f"{self.exporter.port} failed: certificate verify failed", err)
        self.assertIn("--ca-file", err)
        code, out, err = self.healthcheck("--url", self.https, "--insecure",
                                          "--basic-auth-file", self.auth)
        self.assertEqual((code, out), (0, "healthy\n"), err)

    def test_wrong_or_missing_credentials(self):
        for args in ([], ["--basic-auth-file", self.wrong]):
            with self.subTest(args=args):
                code, _, err = self.healthcheck("--url", self.https, "--ca-file", self.cert, *args)
                self.assertEqual(code, 1)
                self.assertEqual(err, f"unhealthy: {self.https}: HTTP 401 Unauthorized\n")

    def test_credentials_files_that_cannot_be_used(self):
        loose = self.secret_file("loose", f"{WEB_USER}:{WEB_PASSWORD}\n", 0o644)
        code, _, err = self.healthcheck("--url", self.https, "--ca-file", self.cert,
                                        "--basic-auth-file", loose)
        self.assertEqual(code, 2)
        self.assertIn("chmod 600", err)
        no_colon = self.secret_file("nocolon", "justapassword\n")
        code, _, err = self.healthcheck("--basic-auth-file", no_colon)
        self.assertEqual(code, 2)
        self.assertIn("must hold USER:PASSWORD on one line", err)
        code, _, err = self.healthcheck("--basic-auth-file", os.path.join(self.work, "none"))
        self.assertEqual(code, 2)
        self.assertIn("cannot open file", err)

    def test_clean_messages_for_network_failures(self):
        port = unused_port()
        code, _, err = self.healthcheck("--url", f"http://127.0.0.1:{port}/-/healthy")
        self.assertEqual(code, 1)
        self.assertEqual(err, f"unhealthy: http://127.0.0.1:{port}/-/healthy: cannot connect to "
                              f"127.0.0.1:{port}: Connection refused\n")
        # Plain HTTP to the TLS port: the server closes without an answer.
        code, _, err = self.healthcheck("--url", f"http://127.0.0.1:{self.exporter.port}/")
        self.assertEqual(code, 1)
        self.assertIn("no valid HTTP answer from", err)
        code, _, err = self.healthcheck("--url", "ftp://127.0.0.1/")
        self.assertEqual(code, 1)
        self.assertIn("must start with http:// or https://", err)
        code, _, err = self.healthcheck("--url", "http://no-such-host.invalid/")
        self.assertEqual(code, 1)
        self.assertIn("cannot resolve no-such-host.invalid", err)

    def test_the_password_is_not_an_option(self):
        code, _, err = run("healthcheck", "--password", "x")
        self.assertEqual(code, 2)
        self.assertIn("unknown option --password", err)


if __name__ == "__main__":
    unittest.main()
