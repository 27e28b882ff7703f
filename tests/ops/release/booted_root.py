"""A Debian 12 root booted with `systemd-nspawn -b`: a real systemd as PID 1 of its own, for
the release tests that need one (systemctl reload, the README's commands), also where the
machine itself runs no systemd (CI).

The root is the cached debootstrap of check_install_roots.py, unpacked afresh. The container
has its own network namespace (loopback only: its port 9923 is its own) and no machine
registration (no machined needed). Commands run inside it through nsenter, in all of its
namespaces, as root; the container is always powered off (and killed if it does not stop).

    with BootedRoot(root, "wte-reload") as box:
        r = box.sh("systemctl start whm_transfer_exporter")
"""
import ctypes
import os
import secrets
import signal
import subprocess
import time

from check_install_roots import debian_root_tarball, unpack_root  # noqa: F401  (re-exported)
from wte_testing.release import fail, harness, need_tool, run

# The environment of a root shell inside the container (not this process's).
CONTAINER_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                 "HOME": "/root", "LANG": "C.UTF-8", "TERM": "dumb",
                 "DEBIAN_FRONTEND": "noninteractive", "SYSTEMD_PAGER": "", "PAGER": "cat"}


def in_chroot(root, command):
    """Runs a shell command in the (not yet booted) root with chroot."""
    return run(["chroot", root, "/bin/sh", "-c", command], env=CONTAINER_ENV)


def install_debs(root, debs):
    """Installs .deb files into the root before it boots (dpkg -i in a chroot)."""
    names = []
    for deb in debs:
        name = "/tmp/" + os.path.basename(deb)
        subprocess.run(["cp", deb, os.path.join(root, name.lstrip("/"))], check=True)
        names.append(name)
    r = in_chroot(root, "dpkg -i " + " ".join(names))
    if r.returncode != 0:
        fail(f"dpkg -i {' '.join(names)} in the root failed:\n{r.stdout}{r.stderr}")
    return r


def _powered_off_with_us():
    """In nspawn's child before exec: SIGTERM (a clean power-off) when this test process
    dies, however it dies (a ctest timeout kills it), so no container outlives the test."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def _container_init(nspawn_pid):
    """The container's PID 1: the first process named systemd below nspawn (breadth first:
    its own services, journald and the like, are named otherwise or lie deeper)."""
    level = [nspawn_pid]
    while level:
        for pid in level:
            if pid != nspawn_pid and _comm(pid) == "systemd":
                return pid
        level = [child for pid in level for child in _children(pid)]
    return None


def _children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry))
    return out


class BootedRoot:
    def __init__(self, root, name, log_dir):
        self.root = root
        # Unique per run: two tests (or two runs) may boot at once.
        self.name = f"{name}-{secrets.token_hex(3)}"
        self.console_path = os.path.join(log_dir, f"{self.name}.console")
        self.nspawn = None
        self.leader = None
        self.nsenter = need_tool("nsenter")

    def __enter__(self):
        try:
            self.boot()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def boot(self, timeout=180):
        nspawn = need_tool("systemd-nspawn")
        # Without a systemd on the machine there is no manager to put the container in a scope
        # and no machined to register it with: keep nspawn's own cgroup, register nothing.
        host_has_systemd = os.path.isdir("/run/systemd/system")
        options = [] if host_has_systemd else ["--register=no", "--keep-unit"]
        args = [nspawn, "--quiet", "-D", self.root, "-b", "-M", self.name, "--private-network",
                "--link-journal=no", *options]
        print("+ " + " ".join(args), flush=True)
        self.console = open(self.console_path, "wb")
        self.nspawn = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.console,
                                       stderr=subprocess.STDOUT, preexec_fn=_powered_off_with_us)
        started = time.monotonic()

        def leader():
            if self.nspawn.poll() is not None:
                raise AssertionError(f"systemd-nspawn exited {self.nspawn.returncode}:\n"
                                     + self.console_text()[-3000:])
            return _container_init(self.nspawn.pid)

        self.leader = harness.wait_for(leader, timeout=60, interval=0.1,
                                       what="the container's init process")
        last_state = []

        def booted():
            # nspawn's first child may be a short-lived helper rather than the container's
            # init: look the init up again while waiting, never trust a stale pid.
            self.leader = leader() or self.leader
            r = self.sh("systemctl is-system-running", quiet=True)
            state = r.stdout.strip()
            last_state[:] = [state, r.stderr.strip()[-300:]]
            if state in ("running", "degraded"):
                return state
            if state in ("stopping", "maintenance"):
                raise AssertionError(f"the container's systemd is {state}")
            return None

        try:
            state = harness.wait_for(booted, timeout=timeout, interval=0.5,
                                     what="the container's boot")
        except AssertionError as e:
            raise AssertionError(f"{e}; systemctl is-system-running said {last_state}; "
                                 f"console:\n{self.console_text()[-3000:]}") from None
        print(f"container {self.name} booted ({state}) in {time.monotonic() - started:.1f}s",
              flush=True)
        if state == "degraded":
            print(self.sh("systemctl --failed --no-legend").stdout, flush=True)

    def command(self, *argv):
        """argv as a command line that runs in every namespace of the container, as its root."""
        return [self.nsenter, "-t", str(self.leader), "-m", "-u", "-i", "-n", "-p", "--",
                "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in CONTAINER_ENV.items()], *argv]

    def sh(self, script, timeout=120, quiet=False, cwd="/root"):
        """Runs a shell command inside the container; the CompletedProcess (text, captured)."""
        if not quiet:
            print(f"[{self.name}]# {script}", flush=True)
        return subprocess.run(self.command("/bin/sh", "-c", f"cd {cwd} && {script}"),
                              capture_output=True, text=True, timeout=timeout)

    def host_in_network(self, *argv, timeout=60):
        """Runs a program of this machine in the container's network namespace only (e.g.
        curl against the container's loopback without installing curl there)."""
        return subprocess.run([self.nsenter, "-t", str(self.leader), "-n", "--", *argv],
                              capture_output=True, text=True, timeout=timeout)

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def write(self, inside, text, mode=0o644):
        p = self.path(inside)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(p, mode)

    def console_text(self):
        try:
            with open(self.console_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, timeout=60):
        """Powers the container off (SIGTERM to nspawn makes it ask PID 1 to), then kills
        what is left. Safe to call twice."""
        if self.nspawn is None:
            return
        if self.nspawn.poll() is None:
            self.nspawn.send_signal(signal.SIGTERM)
            try:
                self.nspawn.wait(timeout=harness.scaled(timeout))
            except subprocess.TimeoutExpired:
                print(f"container {self.name} did not power off: killed", flush=True)
                for pid in ([self.leader] if self.leader else []):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.nspawn.kill()
                self.nspawn.wait()
        self.console.close()
        self.nspawn = None
