"""The daemon's log in both formats, as a log shipper would read it: the exporter runs against
the simulator through a start, reloads by SIGHUP and by POST /-/reload (one of them with an
invalid config, whose multi-line error must stay one line), and a SIGTERM; then EVERY line it
wrote is parsed as strict logfmt (default) or as strict JSON (--log.format=json), and must
carry ts (RFC 3339 UTC, milliseconds), caller (file:line), level and msg, in that order.
The command line's --log.level must win over the config's log_level across reloads."""
import datetime
import json
import os
import re
import shutil
import signal
import unittest
import urllib.request

from wte_testing.harness import (EXPORTER, Process, Simulator, TOKEN, metric, new_workdir,
                                 parse_metrics, wait_for, write_config)

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
CALLER = re.compile(r"^[A-Za-z0-9_.-]+\.(cpp|hpp):[1-9]\d*$")
LEVELS = {"debug", "info", "warn", "error"}
FIRST_KEYS = ["ts", "caller", "level", "msg"]

# Strict logfmt, as go-logfmt writes it: key=value pairs separated by one space; a value is
# a bare word (no space, '=', '"', control character) or a quoted string whose only escapes
# are \" \\ \n \r \t and \\uXXXX.
_KEY = r'[A-Za-z_][A-Za-z0-9_.]*'
_BARE = r'[^\x00-\x20"=\\\x7f]+'
_QUOTED = r'"(?:[^"\\\x00-\x1f\x7f]|\\["\\nrt]|\\u[0-9a-fA-F]{4})*"'
_PAIR = re.compile(rf'({_KEY})=({_BARE}|{_QUOTED})')


def parse_logfmt(line):
    """[(key, decoded value)] of one line; AssertionError if it is not strict logfmt."""
    pairs, pos = [], 0
    while True:
        m = _PAIR.match(line, pos)
        if not m:
            raise AssertionError(f"not logfmt at column {pos + 1}: {line!r}")
        value = m.group(2)
        if value.startswith('"'):
            value = json.loads(value)  # the same escapes as JSON
        pairs.append((m.group(1), value))
        pos = m.end()
        if pos == len(line):
            return pairs
        if line[pos] != " " or pos + 1 == len(line):
            raise AssertionError(f"pairs must be separated by one space, column {pos + 1}: "
                                 f"{line!r}")
        pos += 1


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise AssertionError(f"duplicate key in {keys}")
    return pairs


def _no_constant(name):
    raise AssertionError(f"not strict JSON: {name}")


def parse_json(line):
    pairs = json.loads(line, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    if not isinstance(pairs, list):
        raise AssertionError(f"not a JSON object: {line!r}")
    return pairs


def check_line(line, pairs, started):
    keys = [k for k, _ in pairs]
    if keys[:4] != FIRST_KEYS:
        raise AssertionError(f"keys must start with {FIRST_KEYS}: {line!r}")
    if len(keys) != len(set(keys)):
        raise AssertionError(f"duplicate key: {line!r}")
    fields = dict(pairs)
    for k, v in pairs:
        if not isinstance(v, str):
            raise AssertionError(f"{k} is not a string: {line!r}")
    if not TS.match(fields["ts"]):
        raise AssertionError(f"ts is not RFC 3339 UTC with milliseconds: {line!r}")
    ts = datetime.datetime.strptime(fields["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    if not started - datetime.timedelta(seconds=5) <= ts <= now + datetime.timedelta(seconds=5):
        raise AssertionError(f"ts {fields['ts']} is not the time of the run: {line!r}")
    if not CALLER.match(fields["caller"]):
        raise AssertionError(f"caller is not file:line: {line!r}")
    if fields["level"] not in LEVELS:
        raise AssertionError(f"unknown level: {line!r}")
    if TOKEN in line:
        raise AssertionError("the WHM token is in the log")
    return fields


class LogFormatTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = new_workdir()
        cls.sim = Simulator(cls.work, "--hosts", "1", "--sessions-per-host", "1",
                            "--accounts", "3", "--rate", "50", "--seed", "5")

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def run_daemon(self, fmt):
        """Starts, reloads (good, bad, good again) and stops the daemon; returns its log
        lines parsed, as dicts."""
        work = os.path.join(self.work, fmt)
        os.makedirs(work)
        config = write_config(work, self.sim)
        with open(config, encoding="utf-8") as f:
            good = f.read().replace("log_level: debug", "log_level: info")
        with open(config, "w", encoding="utf-8") as f:
            f.write(good)
        started = datetime.datetime.now(datetime.timezone.utc)
        args = [EXPORTER, "--config.file", config, "--web.enable-lifecycle",
                "--web.listen-address=127.0.0.1:0",
                "--log.level=debug"]
        if fmt == "json":
            args.append("--log.format=json")
        proc = Process(args, f"exporter-{fmt}", work)
        self.addCleanup(proc.stop)
        parse = parse_json if fmt == "json" else parse_logfmt

        def lines():
            if not proc.alive():
                raise AssertionError("exporter exited:\n" + proc.output())
            return [dict(parse(line)) for line in proc.output().splitlines() if line]

        def seen(msg, count=1):
            return lambda: len([f for f in lines() if f["msg"] == msg]) >= count

        listening = wait_for(lambda: [f for f in lines() if f["msg"] == "listening"],
                             what="listening")[0]
        self.assertEqual(listening["address"], "127.0.0.1:0")  # --web.listen-address won
        port = int(listening["port"])

        def host_up():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
                return metric(parse_metrics(r.read().decode()), "whm_transfer_host_up") == 1.0
        wait_for(host_up, timeout=30, interval=0.3, what="host up")

        proc.send_signal(signal.SIGHUP)
        wait_for(seen("config reloaded"), timeout=30, what="reload by SIGHUP")
        with open(config, "w", encoding="utf-8") as f:
            f.write(good.replace("poll_interval: 1s", "poll_interval: soon\nbogus_key: 1"))
        proc.send_signal(signal.SIGHUP)
        wait_for(seen("config reload failed; the running config stays"), timeout=30,
                 what="refused reload")
        with open(config, "w", encoding="utf-8") as f:
            f.write(good)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/-/reload", method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertEqual(r.status, 200)
        wait_for(seen("config reloaded", 2), timeout=30, what="reload by POST /-/reload")
        # A debug line after two reloads of a file saying `log_level: info`.
        proc.send_signal(signal.SIGHUP)
        wait_for(seen("config reloaded", 3), timeout=30, what="third reload")
        self.assertEqual(proc.stop(), 0)
        raw = [line for line in proc.output().splitlines()]
        self.assertTrue(raw)
        self.assertNotIn("", raw, "an empty line in the log")
        parsed = []
        for line in raw:
            parsed.append(check_line(line, parse(line), started))
        return parsed

    def check_story(self, entries):
        msgs = [e["msg"] for e in entries]
        for msg in ("starting whm_transfer_exporter", "listening", "config reloaded", "config reload failed; the running config stays",
                    "stopping"):
            self.assertIn(msg, msgs)
        self.assertEqual(msgs[-1], "stopping")
        failed = [e for e in entries if e["msg"].startswith("config reload failed")][0]
        self.assertEqual(failed["level"], "error")
        # Both errors of the bad file, each with file:line:col, in one log line.
        self.assertIn("poll_interval", failed["error"])
        self.assertIn("bogus_key", failed["error"])
        self.assertEqual(failed["error"].count("\n"), 1, failed["error"])
        # --log.level=debug outlived the reloads of a file that says info.
        sighup = [e for e in entries if e["msg"] == "SIGHUP: reloading the config"]
        self.assertEqual(len(sighup), 3)
        self.assertTrue(all(e["level"] == "debug" for e in sighup))
        self.assertTrue(all(e["caller"].startswith("serve.cpp:") for e in sighup))

    def test_logfmt_every_line(self):
        self.check_story(self.run_daemon("logfmt"))

    def test_json_every_line(self):
        self.check_story(self.run_daemon("json"))

    def test_the_strict_parsers_are_strict(self):
        good = 'ts=2026-11-30T18:45:05.123Z caller=a.cpp:1 level=info msg="a b" k=v'
        self.assertEqual(dict(parse_logfmt(good))["msg"], "a b")
        for bad in ('level=info msg=a b', 'level=info  msg=x', 'level=info msg="x',
                    'level=info msg=', 'level=info msg=x ', 'level="x\\q"', 'msg="a\tb"'):
            with self.subTest(bad=bad):
                with self.assertRaises(AssertionError):
                    parse_logfmt(bad)
        for bad in ('{"a":"1","a":"2"}', '{"a":NaN}', 'level=info'):
            with self.subTest(bad=bad):
                with self.assertRaises((AssertionError, ValueError)):
                    parse_json(bad)


if __name__ == "__main__":
    unittest.main()
