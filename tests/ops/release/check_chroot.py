#!/usr/bin/env python3
"""The static binary in an EMPTY chroot: nothing but the binary, /etc/hosts, a CA bundle at
the RHEL path (/etc/pki/tls/certs/ca-bundle.crt), a WHM session tree and the test's config
files. No libraries, no loader, no /proc, no nsswitch.conf, no resolv.conf: what a static
binary meets on any distribution is at least this.

  --version, progress on the fixtures (the same output as outside), check-config;
  serve in local mode: its counts equal the engine's summary (`progress --json`) of each log;
  serve in remote mode against whm-sim over TLS, verified with the system store found at the
  RHEL path (the simulator's CA is nowhere else), "localhost" resolved from /etc/hosts.

  check_chroot.py
"""
import json
import os
import shutil
import sys

from wte_testing.release import (BINARY, EXPECTED_REVISION, RHEL_CA_PATH, SOURCE_DIR, Checker,
                                 clean_env, harness, http_get, make_session_tree, master_logs,
                                 need_release, need_root, need_tool, project_version, remove_tree,
                                 run, served_port, temp_dir)

SESSIONS = "/var/cpanel/transfer_sessions"


class Chroot:
    def __init__(self, root):
        self.root = root
        self.chroot = need_tool("chroot")

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def write(self, inside, text, mode=0o644):
        p = self.path(inside)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(p, mode)
        return inside

    def command(self, *args):
        return [self.chroot, self.root, "/whm_transfer_exporter", *[str(a) for a in args]]

    def run(self, *args, **kwargs):
        return run(self.command(*args), env=clean_env(), **kwargs)


def engine_json(box, log_inside):
    """The engine's summary as the API holds it: session, queues and items (the overview
    that `progress --json` adds is beside the summary in the API)."""
    r = box.run("progress", "--json", log_inside)
    assert r.returncode in (0, 1, 3), r.stderr
    doc = json.loads(r.stdout)
    return {k: doc[k] for k in ("session", "queues", "items")}


def check_commands(c, box, work):
    r = box.run("--version")
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0 and project_version() in r.stdout and EXPECTED_REVISION in r.stdout,
             f"--version in the chroot: {r.returncode} {r.stdout!r}")

    fixtures = os.path.join(SOURCE_DIR, "tests", "data", "logs")
    for name in sorted(os.listdir(fixtures)):
        shutil.copy(os.path.join(fixtures, name), box.path("/fixtures/" + name))
        for args in (["progress", "--json"], ["progress", "--items"]):
            inside = box.run(*args, "/fixtures/" + name)
            outside = run([BINARY, *args, os.path.join(fixtures, name)])
            c.expect(inside.returncode == outside.returncode and inside.stdout == outside.stdout
                     and inside.stdout, f"{' '.join(args)} {name}: differs in the chroot")
        print(f"progress {name}: exit {inside.returncode}, same as outside the chroot")

    cfg = box.write("/local.yml", f"listen_address: 127.0.0.1:0\nstate_directory: /state\n"
                                  f"local:\n  enabled: true\n  path: {SESSIONS}\n")
    r = box.run("check-config", cfg)
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0 and "OK" in r.stdout, f"check-config in the chroot: {r.returncode}")
    bad = box.write("/bad.yml", "listen_address: 127.0.0.1:0\nlocal:\n  enabeld: true\n")
    r = box.run("check-config", bad)
    c.expect(r.returncode == 2 and "enabeld" in r.stdout + r.stderr,
             f"check-config of a bad config in the chroot: {r.returncode} {r.stdout}{r.stderr}")


def serve(box, work, config, name):
    process = harness.Process(box.command("serve", "--config", config), name, work,
                              env=clean_env())
    port = harness.wait_for(lambda: served_port(process), timeout=30, what=f"{name} listening")
    return process, port


def check_local_mode(c, box, work):
    config = box.write("/local-serve.yml",
                       "listen_address: 127.0.0.1:0\nstate_directory: /state\nlog_level: debug\n"
                       f"local:\n  enabled: true\n  path: {SESSIONS}\n  poll_interval: 1s\n"
                       "  host_label: whm-local\n")
    process, port = serve(box, work, config, "exporter-local")
    try:
        logs = master_logs(box.path(SESSIONS))
        want = {sid: engine_json(box, f"{SESSIONS}/{sid}/master.log") for sid in logs}

        def sessions():
            status, body = http_get(port, "/api/v1/sessions")
            return {s["session_id"]: s for s in json.loads(body)["sessions"]} if status == 200 else {}

        def all_equal():
            got = sessions()
            return len(got) == len(want) and all(got[sid]["summary"] == want[sid] for sid in want)
        try:
            harness.wait_for(all_equal, timeout=60, interval=0.5, what="local counts exact")
            print(f"local mode: {len(want)} sessions, counts equal to progress --json")
        except AssertionError as e:
            c.expect(False, f"local mode in the chroot: {e}\n{process.output()}")
        out = process.output()
        c.expect(f"system CA store: /{RHEL_CA_PATH}" in out,
                 f"the log does not name the CA store at the RHEL path:\n{out}")
    finally:
        process.stop()


def check_remote_mode(c, box, work):
    sim = harness.Simulator(work, "--hosts", "2", "--sessions-per-host", "1", "--accounts", "6",
                            "--rate", "200", "--seed", "3")
    try:
        # The simulator's CA at the RHEL path only; the config names no ca_file.
        shutil.copy(sim.ca_file, box.path(RHEL_CA_PATH))
        shutil.copy(sim.token_file, box.path("/whm.token"))
        os.chmod(box.path("/whm.token"), 0o600)
        lines = ["listen_address: 127.0.0.1:0", "state_directory: /state", "poll_interval: 1s",
                 "log_level: debug", "hosts:"]
        for h in sim.hosts:
            lines += [f"  - name: {h['name']}", f"    url: https://localhost:{h['port']}",
                      "    token_file: /whm.token", "    timeout: 5s",
                      f"    sessions: [{', '.join(h['sessions'])}]"]
        config = box.write("/remote.yml", "\n".join(lines) + "\n")
        process, port = serve(box, work, config, "exporter-remote")
        try:
            exporter = RemoteView(port)
            for h in sim.hosts:
                for session in h["sessions"]:
                    ok = harness.counts_exact(exporter, sim, h["name"], session, timeout=60)
                    c.expect(ok, f"remote {h['name']}/{session}: counts not exact\n"
                                 f"{process.output()[-3000:]}")
            series = harness.parse_metrics(http_get(port, "/metrics")[1].decode())
            for h in sim.hosts:
                up = harness.metric(series, "whm_transfer_host_up", host=h["name"])
                c.expect(up == 1.0, f"host {h['name']} not up over TLS: {up}")
            c.expect(harness.TOKEN not in process.output(), "the WHM token appears in the log")
            print("remote mode: TLS verified with the store at the RHEL path, counts exact")
        finally:
            process.stop()
        # The control: the same config with another CA at the RHEL path fails verification,
        # so it was that file, and nothing else, that made the first run trust the server.
        shutil.copy("/etc/ssl/certs/ca-certificates.crt", box.path(RHEL_CA_PATH))
        process, port = serve(box, work, config, "exporter-remote-wrong-ca")
        try:
            def tls_errors():
                series = harness.parse_metrics(http_get(port, "/metrics")[1].decode())
                return harness.metric(series, "whm_transfer_host_errors_total",
                                      host=sim.hosts[0]["name"], reason="tls")
            try:
                harness.wait_for(tls_errors, timeout=30, interval=0.5, what="tls errors")
                print("remote mode, another CA at the RHEL path: TLS refused, as it must")
            except AssertionError as e:
                c.expect(False, f"remote mode trusted the server without its CA: {e}")
        finally:
            process.stop()
    finally:
        sim.stop()


class RemoteView:
    """What harness.counts_exact needs of an exporter: its /api/v1/sessions."""

    def __init__(self, port):
        self.port = port

    def sessions(self):
        status, body = http_get(self.port, "/api/v1/sessions")
        assert status == 200, status
        return json.loads(body)


def main():
    need_root()
    need_release()
    c = Checker()
    work = temp_dir("wte_chroot_")
    root = os.path.join(work, "root")
    try:
        os.makedirs(root)
        box = Chroot(root)
        shutil.copy(BINARY, box.path("/whm_transfer_exporter"))
        box.write("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n")
        box.write("/" + RHEL_CA_PATH, "")  # replaced by the simulator's CA below
        os.makedirs(box.path("/fixtures"))
        os.makedirs(box.path("/state"))
        make_session_tree(box.path(SESSIONS))
        files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root)
                       for f in fs if not d.startswith(box.path(SESSIONS)))
        print(f"the chroot holds: {files} and {SESSIONS}")

        check_commands(c, box, work)
        check_remote_mode(c, box, work)
        check_local_mode(c, box, work)
    finally:
        remove_tree(work)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
