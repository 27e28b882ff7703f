#!/usr/bin/env python3
"""The packages installed for real, into roots made here.

  .deb into a debootstrapped Debian 12 root (made once, cached as a tarball in the release
       folder): install (system user, config, unit enabled but not started), upgrade (the
       edited config and the enablement kept), remove (config kept), purge (nothing left).
  .rpm into an empty root (rpm --root): the files, verified by rpm -V; erase keeps an edited
       config as .rpmsave. Then its scriptlets, for real, in a copy of the Debian root (sh,
       useradd and systemctl there): the system user, the unit enabled; erase disables it.

  check_install_roots.py
"""
import os
import shutil
import sys

from wte_testing.release import (RELEASE_DIR, Checker, fail, need_release, need_root, need_tool,
                                 one, project_version, remove_tree, run, temp_dir)

CONFIG = "etc/whm_transfer_exporter/config.yml"
WANTS = "etc/systemd/system/multi-user.target.wants/whm_transfer_exporter.service"
EDIT = "\n# edited by the administrator\n"
# What a Debian server has beyond debootstrap's minimal base, and the .deb depends on.
INCLUDE = ("adduser", "ca-certificates", "systemd")


def debian_root_tarball():
    """A minimal Debian 12 root with what a server has (INCLUDE), made once."""
    cache = os.path.join(RELEASE_DIR, "debootstrap", f"bookworm-{'-'.join(INCLUDE)}.tar.gz")
    if os.path.isfile(cache):
        return cache
    debootstrap = need_tool("debootstrap")
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    mirror = "http://deb.debian.org/debian"
    try:
        with open("/etc/apt/sources.list.d/debian.sources", encoding="utf-8") as f:
            for line in f:
                if line.startswith("URIs:"):
                    mirror = line.split()[1]
                    break
    except OSError:
        pass
    root = cache + ".tmp"
    remove_tree(root)
    r = run([debootstrap, "--variant=minbase", "--include=" + ",".join(INCLUDE), "bookworm", root,
             mirror], timeout=1800)
    if r.returncode != 0:
        fail(f"debootstrap failed:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    r = run(["tar", "-C", root, "-czf", cache + ".part", "."])
    if r.returncode != 0:
        fail(f"tar of the Debian root failed: {r.stderr}")
    os.rename(cache + ".part", cache)
    remove_tree(root)
    return cache


def unpack_root(tarball, work, name):
    root = os.path.join(work, name)
    os.makedirs(root)
    r = run(["tar", "-C", root, "-xzpf", tarball])
    if r.returncode != 0:
        fail(f"cannot unpack the Debian root: {r.stderr}")
    return root


def in_root(root, *cmd):
    return run(["chroot", root, *cmd], env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                                            "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"})


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()


def system_user(c, root, what):
    r = in_root(root, "getent", "passwd", "whm_transfer_exporter")
    c.expect(r.returncode == 0, f"{what}: no whm_transfer_exporter user")
    if r.returncode == 0:
        fields = r.stdout.strip().split(":")
        c.expect(int(fields[2]) < 1000, f"{what}: not a system user: {r.stdout}")
        c.expect(fields[6].endswith("nologin") or fields[6] == "/bin/false",
                 f"{what}: the user has a login shell: {r.stdout}")
    c.expect(in_root(root, "getent", "group", "whm_transfer_exporter").returncode == 0,
             f"{what}: no whm_transfer_exporter group")


def upgraded_deb(deb, work):
    """The same package as a newer version, for the upgrade."""
    dpkg_deb = need_tool("dpkg-deb")
    tree = os.path.join(work, "deb-tree")
    run([dpkg_deb, "-R", deb, tree])
    control = os.path.join(tree, "DEBIAN", "control")
    with open(control, encoding="utf-8") as f:
        text = f.read()
    with open(control, "w", encoding="utf-8") as f:
        f.write(text.replace(f"Version: {project_version()}", f"Version: {project_version()}+1"))
    out = os.path.join(work, "upgrade.deb")
    r = run([dpkg_deb, "--root-owner-group", "-b", tree, out])
    if r.returncode != 0:
        fail(f"cannot build the upgrade package: {r.stderr}")
    return out


def check_deb(c, tarball, work):
    deb = one(f"whm-transfer-exporter_{project_version()}_amd64.deb")
    root = unpack_root(tarball, work, "debian")
    shutil.copy(deb, os.path.join(root, "tmp", "release.deb"))
    shutil.copy(upgraded_deb(deb, work), os.path.join(root, "tmp", "upgrade.deb"))

    r = in_root(root, "dpkg", "-i", "/tmp/release.deb")
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"dpkg -i exited {r.returncode}")
    system_user(c, root, "deb install")
    c.expect(os.path.isfile(os.path.join(root, CONFIG)), "deb install: no config")
    c.expect(os.path.islink(os.path.join(root, WANTS)), "deb install: unit not enabled")
    r = in_root(root, "/usr/bin/whm_transfer_exporter", "check-config", "/" + CONFIG)
    c.expect(r.returncode == 0, f"deb install: the shipped config does not check: {r.stdout}{r.stderr}")
    r = in_root(root, "systemctl", "is-enabled", "whm_transfer_exporter.service")
    print("systemctl is-enabled: " + r.stdout.strip())
    c.expect(r.stdout.strip() == "enabled", f"deb install: is-enabled says {r.stdout!r}")
    c.expect(not os.path.exists(os.path.join(root, "run/systemd/system")),
             "the test root runs systemd: 'not started' would not be tested")

    with open(os.path.join(root, CONFIG), "a", encoding="utf-8") as f:
        f.write(EDIT)
    r = in_root(root, "dpkg", "-i", "/tmp/upgrade.deb")
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"dpkg -i (upgrade) exited {r.returncode}")
    c.expect(read(root, CONFIG).endswith(EDIT), "deb upgrade: the edited config was replaced")
    c.expect(os.path.islink(os.path.join(root, WANTS)), "deb upgrade: unit no longer enabled")
    version = in_root(root, "dpkg-query", "-W", "-f=${Version}", "whm-transfer-exporter").stdout
    c.expect(version == f"{project_version()}+1", f"deb upgrade: version {version}")

    r = in_root(root, "dpkg", "-r", "whm-transfer-exporter")
    c.expect(r.returncode == 0, f"dpkg -r exited {r.returncode}: {r.stderr}")
    c.expect(not os.path.exists(os.path.join(root, "usr/bin/whm_transfer_exporter")),
             "deb remove: binary left")
    c.expect(os.path.isfile(os.path.join(root, CONFIG)) and read(root, CONFIG).endswith(EDIT),
             "deb remove: the config was not kept")
    c.expect(not os.path.exists(os.path.join(root, WANTS)), "deb remove: unit still enabled")

    r = in_root(root, "dpkg", "-P", "whm-transfer-exporter")
    c.expect(r.returncode == 0, f"dpkg -P exited {r.returncode}: {r.stderr}")
    for left in ("etc/whm_transfer_exporter", "usr/share/doc/whm-transfer-exporter",
                 "usr/lib/systemd/system/whm_transfer_exporter.service", WANTS,
                 "var/lib/whm_transfer_exporter"):
        c.expect(not os.path.lexists(os.path.join(root, left)), f"deb purge: /{left} left")
    status = in_root(root, "dpkg-query", "-W", "-f=${Status}", "whm-transfer-exporter")
    c.expect("installed" not in status.stdout or "not-installed" in status.stdout,
             f"deb purge: dpkg still knows it: {status.stdout}")
    c.report("deb: install, upgrade (config kept), remove (config kept), purge")


def check_rpm_files(c, rpm, work):
    pkg = one("whm-transfer-exporter-*.x86_64.rpm")
    root = os.path.join(work, "empty")
    os.makedirs(root)
    r = run([rpm, "--root", root, "--initdb"])
    c.expect(r.returncode == 0, f"rpm --initdb: {r.stderr}")
    # Nothing in an empty root can run a scriptlet (no /bin/sh): those run below.
    r = run([rpm, "--root", root, "-i", "--nodeps", "--noscripts", pkg])
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"rpm --root -i exited {r.returncode}")
    for path in ("usr/bin/whm_transfer_exporter", CONFIG,
                 "usr/lib/systemd/system/whm_transfer_exporter.service"):
        c.expect(os.path.isfile(os.path.join(root, path)), f"rpm: /{path} not installed")
    r = run([rpm, "--root", root, "-V", "--nodeps", "whm-transfer-exporter"])
    c.expect(r.returncode == 0 and not r.stdout.strip(), f"rpm -V: {r.stdout}{r.stderr}")
    r = run([os.path.join(root, "usr/bin/whm_transfer_exporter"), "check-config",
             os.path.join(root, CONFIG)])
    c.expect(r.returncode == 0, f"rpm: the shipped config does not check: {r.stdout}{r.stderr}")
    with open(os.path.join(root, CONFIG), "a", encoding="utf-8") as f:
        f.write(EDIT)
    r = run([rpm, "--root", root, "-e", "--nodeps", "--noscripts", "whm-transfer-exporter"])
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"rpm -e exited {r.returncode}")
    c.expect(not os.path.exists(os.path.join(root, "usr/bin/whm_transfer_exporter")),
             "rpm erase: binary left")
    saved = os.path.join(root, CONFIG + ".rpmsave")
    c.expect(os.path.isfile(saved) and read(root, CONFIG + ".rpmsave").endswith(EDIT),
             "rpm erase: the edited config was not kept (.rpmsave)")
    c.report("rpm into an empty root: files, rpm -V, erase keeps the edited config")


def check_rpm_scripts(c, rpm, tarball, work):
    pkg = one("whm-transfer-exporter-*.x86_64.rpm")
    root = unpack_root(tarball, work, "rpm-scripts")
    r = run([rpm, "--root", root, "--initdb"])
    r = run([rpm, "--root", root, "-i", "--nodeps", pkg])
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"rpm -i with scriptlets exited {r.returncode}")
    system_user(c, root, "rpm %pre")
    c.expect(os.path.islink(os.path.join(root, WANTS)), "rpm %post: unit not enabled")
    r = run([rpm, "--root", root, "-e", "--nodeps", "whm-transfer-exporter"])
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"rpm -e with scriptlets exited {r.returncode}")
    c.expect(not os.path.lexists(os.path.join(root, WANTS)), "rpm %preun: unit still enabled")
    c.report("rpm scriptlets in a Debian root: user, enabled, disabled on erase")


def main():
    need_root()
    need_release()
    rpm = need_tool("rpm")
    c = Checker()
    tarball = debian_root_tarball()
    work = temp_dir("wte_roots_")
    try:
        check_deb(c, tarball, work)
        check_rpm_files(c, rpm, work)
        check_rpm_scripts(c, rpm, tarball, work)
    finally:
        remove_tree(work)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
