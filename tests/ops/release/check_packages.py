#!/usr/bin/env python3
"""The release's packages, as files: their contents, scripts and metadata.

  .rpm  rpm -qpl (contents), rpm -qp --scripts (user, enable without start, restart on
        upgrade), %config(noreplace) on the config, no library requirement
  .deb  dpkg-deb -c / -I (contents, conffile, maintainer scripts, no library dependency),
        lintian with no error and no warning
  .tar.gz  node_exporter's layout: one folder with the binary, LICENSE, README, units,
        examples
  The same binary in all three (and in the container image's files).

  check_packages.py
"""
import hashlib
import os
import re
import sys
import tarfile
import tempfile

from wte_testing.release import (RELEASE_DIR, Checker, need_release, need_tool, one,
                                 project_version, run)

DOC = "/usr/share/doc/whm-transfer-exporter"
# What both packages carry (the list: units, example config, alert rules,
# dashboard, README, LICENSE; and the config, the man page).
COMMON = (
    "/usr/bin/whm_transfer_exporter",
    "/etc/whm_transfer_exporter/config.yml",
    "/usr/lib/systemd/system/whm_transfer_exporter.service",
    "/usr/lib/systemd/system/whm_transfer_exporter@.service",
    "/usr/share/man/man1/whm_transfer_exporter.1.gz",
    f"{DOC}/README.md",
    f"{DOC}/LICENSE",
    f"{DOC}/examples/whm_transfer_exporter.example.yml",
    f"{DOC}/examples/systemd/remote-only.conf",
    f"{DOC}/examples/container/whm_transfer_exporter.container",
    f"{DOC}/examples/prometheus/alerts.yml",
    f"{DOC}/examples/prometheus/scrape.yml",
    f"{DOC}/examples/grafana/whm-transfers.json",
)
DEB_ONLY = (f"{DOC}/copyright", f"{DOC}/changelog.gz",
            "/usr/share/lintian/overrides/whm-transfer-exporter")
TARBALL = ("whm_transfer_exporter", "LICENSE", "README.md", "config.yml",
           "whm_transfer_exporter.1.gz", "systemd/whm_transfer_exporter.service",
           "systemd/whm_transfer_exporter@.service", "systemd/remote-only.conf",
           "examples/whm_transfer_exporter.example.yml", "examples/prometheus/alerts.yml",
           "examples/prometheus/scrape.yml", "examples/grafana/whm-transfers.json",
           "examples/container/whm_transfer_exporter.container")
LIBRARY = re.compile(r"lib[\w+.-]*\.so|libc6|libssl|libstdc|libboost|libyaml|libsqlite|libsystemd")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def check_rpm(c):
    rpm = need_tool("rpm")
    pkg = one("whm-transfer-exporter-*.x86_64.rpm")
    files = run([rpm, "-qpl", pkg]).stdout.split()
    print("rpm -qpl:\n  " + "\n  ".join(files))
    for f in COMMON:
        c.expect(f in files, f"rpm: {f} missing")
    for f in DEB_ONLY[2:]:
        c.expect(f not in files, f"rpm: holds Debian's {f}")
    c.expect(not any(f.startswith("/usr/lib/.build-id") for f in files), "rpm: build-id links")
    for owned_by_others in ("/usr/lib/systemd/system", "/usr/bin", "/etc", "/usr/share/man/man1"):
        c.expect(owned_by_others not in files, f"rpm: owns the system folder {owned_by_others}")

    scripts = run([rpm, "-qp", "--scripts", pkg]).stdout
    print(scripts)
    for part, words in (("preinstall", ("useradd -r", "groupadd -r", "whm_transfer_exporter")),
                        ("postinstall", ("enable whm_transfer_exporter.service",)),
                        ("preuninstall", ("disable --now",)),
                        ("postuninstall", ("try-restart",))):
        section = scripts.split(f"{part} scriptlet", 1)
        c.expect(len(section) == 2, f"rpm: no {part} scriptlet")
        for w in words:
            c.expect(len(section) == 2 and w in section[1].split("scriptlet", 1)[0],
                     f"rpm {part}: no '{w}'")
    post = scripts.split("postinstall scriptlet", 1)[-1].split("scriptlet", 1)[0]
    commands = "\n".join(l for l in post.splitlines() if not l.strip().startswith("#"))
    c.expect(re.search(r"systemctl[^\n]*\b(start|restart|--now)\b", commands) is None,
             "rpm: %post starts the unit")

    flags = run([rpm, "-qp", "--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]", pkg]).stdout
    config = [l for l in flags.splitlines() if l.endswith("/etc/whm_transfer_exporter/config.yml")]
    c.expect(config and "c" in config[0].split()[0] and "n" in config[0].split()[0],
             f"rpm: the config is not %config(noreplace): {config}")
    info = run([rpm, "-qpi", pkg]).stdout
    print(info)
    c.expect(f"Version     : {project_version()}" in info, "rpm: wrong version")
    c.expect("Architecture: x86_64" in info, "rpm: not x86_64")
    c.expect("License     : Apache-2.0" in info, "rpm: license is not Apache-2.0")
    c.expect("CPack" not in info and "Humanity" not in info,
             "rpm: CPack's placeholder description or vendor")
    requires = run([rpm, "-qp", "--requires", pkg]).stdout
    print("requires:\n" + requires)
    c.expect(not LIBRARY.search(requires), f"rpm: requires a library:\n{requires}")
    c.expect("shadow-utils" in requires, "rpm: no Requires(pre) shadow-utils for useradd")
    payload = run([rpm, "-qp", "--qf", "%{PAYLOADCOMPRESSOR}", pkg]).stdout
    c.expect(payload == "xz", f"rpm: payload {payload!r}, not xz (EL8 reads xz)")
    return pkg


def check_deb(c):
    dpkg_deb = need_tool("dpkg-deb")
    lintian = need_tool("lintian")
    pkg = one(f"whm-transfer-exporter_{project_version()}_amd64.deb")
    listing = run([dpkg_deb, "-c", pkg]).stdout
    print(listing)
    files = {"/" + line.split()[-1].lstrip("./").rstrip("/") for line in listing.splitlines()}
    for f in COMMON + DEB_ONLY:
        c.expect(f in files, f"deb: {f} missing")
    root_owned = all(" root/root " in line for line in listing.splitlines())
    c.expect(root_owned, "deb: files not owned by root/root")

    info = run([dpkg_deb, "-I", pkg]).stdout
    print(info)
    control = dict(re.findall(r"^ (\w[\w-]*): (.*)$", info, re.M))
    c.expect(control.get("Package") == "whm-transfer-exporter", "deb: package name")
    c.expect(control.get("Version") == project_version(), "deb: version")
    c.expect(control.get("Architecture") == "amd64", "deb: architecture")
    depends = control.get("Depends", "")
    c.expect(not LIBRARY.search(depends), f"deb: depends on a library: {depends}")
    c.expect("Pre-Depends" not in control, "deb: Pre-Depends")
    c.expect("localhost" not in control.get("Maintainer", "localhost"), "deb: maintainer")
    for script in ("postinst", "prerm", "postrm", "conffiles"):
        c.expect(re.search(rf"\b{script}\b", info), f"deb: no {script}")
    with tempfile.TemporaryDirectory() as tmp:
        run([dpkg_deb, "-e", pkg, tmp])
        with open(os.path.join(tmp, "conffiles")) as f:
            c.expect(f.read().split() == ["/etc/whm_transfer_exporter/config.yml"],
                     "deb: conffiles is not exactly the config")
        with open(os.path.join(tmp, "postinst")) as f:
            postinst = f.read()
        c.expect("adduser --system" in postinst, "deb postinst: no system user")
        c.expect("deb-systemd-helper enable" in postinst, "deb postinst: unit not enabled")
        c.expect("deb-systemd-invoke start" not in postinst, "deb postinst: starts the unit")

    r = run([lintian, "--fail-on", "error,warning", "--display-level", ">=warning",
             "--suppress-tags", "unused-override", pkg], timeout=600)
    print("lintian:\n" + r.stdout + r.stderr)
    c.expect(r.returncode == 0, f"lintian exited {r.returncode}")
    c.expect(not re.search(r"^[EW]: ", r.stdout, re.M), "lintian reports errors or warnings")
    return pkg


def check_tarball(c):
    pkg = one(f"whm_transfer_exporter-{project_version()}.linux-amd64.tar.gz")
    top = f"whm_transfer_exporter-{project_version()}.linux-amd64"
    with tarfile.open(pkg) as t:
        members = {m.name: m for m in t.getmembers()}
        print("tarball:\n  " + "\n  ".join(sorted(members)))
        c.expect(all(n == top or n.startswith(top + "/") for n in members),
                 f"tarball: not everything under {top}/")
        for f in TARBALL:
            c.expect(f"{top}/{f}" in members, f"tarball: {f} missing")
        binary = members.get(f"{top}/whm_transfer_exporter")
        c.expect(binary is not None and binary.mode & 0o111, "tarball: binary not executable")
        c.expect(all(m.uid == 0 and m.gid == 0 for m in members.values()), "tarball: owners")
        return sha256(t.extractfile(binary).read()) if binary else ""


def main():
    need_release()
    c = Checker()
    rpm_pkg = check_rpm(c)
    deb_pkg = check_deb(c)
    tar_sum = check_tarball(c)
    # The same binary everywhere.
    with tempfile.TemporaryDirectory() as tmp:
        run([need_tool("dpkg-deb"), "-x", deb_pkg, tmp])
        with open(os.path.join(tmp, "usr/bin/whm_transfer_exporter"), "rb") as f:
            deb_sum = sha256(f.read())
    rpm_sum = run(["sh", "-c", f"rpm2cpio '{rpm_pkg}' | cpio -i --to-stdout "
                               "./usr/bin/whm_transfer_exporter 2>/dev/null | sha256sum"]).stdout.split()[0]
    with open(os.path.join(RELEASE_DIR, "image", "rootfs", "usr", "bin", "whm_transfer_exporter"),
              "rb") as f:
        image_sum = sha256(f.read())
    print(f"sha256: deb {deb_sum}, rpm {rpm_sum}, tarball {tar_sum}, image {image_sum}")
    c.expect(deb_sum == rpm_sum == tar_sum == image_sum, "the packages hold different binaries")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
