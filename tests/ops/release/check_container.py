#!/usr/bin/env python3
"""The container image: `podman build --format docker` of the Dockerfile, as the README
says, from the release's files; then, since containers cannot run on the CI machines, the
image is inspected (user, entrypoint, health check, size, revision) and its file system
exported (podman create + podman export) and run the way the runtime would:

  - remote-mode basics: --version names the revision, check-config of the shipped config;
  - local mode on a session tree of root's 0600 files mounted read-only at
    /var/cpanel/transfer_sessions: as the image's user 65532 with CAP_DAC_READ_SEARCH alone
    (what rootful podman gives with --cap-drop=all --cap-add=DAC_READ_SEARCH: the ambient
    set), and as uid 0 with that one capability (docker's way), the counts equal the
    engine's summary and the image's HEALTHCHECK command passes; as 65532 without it, the
    logs cannot be read and the exporter says so;
  - the Quadlet unit (packaging/whm_transfer_exporter.container): only keys podman 4.4
    knows, and its settings, given to `podman create`, make the container intended.

  check_container.py
"""
import json
import os
import re
import sys

from wte_testing.release import (EXPECTED_REVISION, RELEASE_DIR, SOURCE_DIR, Checker, clean_env,
                                 fail, harness, http_get, make_session_tree, master_logs,
                                 need_release, need_root, need_tool, remove_tree, run, served_port,
                                 temp_dir)

IMAGE = f"localhost/whm_transfer_exporter:release-test-{os.getpid()}"
BINARY = "/usr/bin/whm_transfer_exporter"
SESSIONS = "/var/cpanel/transfer_sessions"
MAX_IMAGE_BYTES = 50 * 1000 * 1000
# [Container] keys of Quadlet in podman 4.4 (EL 9.2's), the oldest this file must work with.
QUADLET_44_KEYS = {
    "AddCapability", "AddDevice", "Annotation", "ContainerName", "DropCapability",
    "Environment", "EnvironmentFile", "EnvironmentHost", "Exec", "ExposeHostPort", "Group",
    "Image", "IP", "IP6", "Label", "LogDriver", "Mount", "Network", "NoNewPrivileges",
    "Notify", "PodmanArgs", "PublishPort", "ReadOnly", "RemapGid", "RemapUid", "RemapUidSize",
    "RemapUsers", "RunInit", "SeccompProfile", "SecurityLabelDisable", "SecurityLabelFileType",
    "SecurityLabelLevel", "SecurityLabelType", "Timezone", "User", "UserNS", "VolatileTmp",
    "Volume",
}


def podman(*args, **kwargs):
    return run([need_tool("podman"), *args], **kwargs)


def build(c):
    if os.path.realpath(RELEASE_DIR) != os.path.realpath(os.path.join(SOURCE_DIR, "build-release")):
        fail("the Dockerfile takes build-release/image from the source tree: build the release "
             "there (scripts/build-release without WTE_RELEASE_DIR)")
    # The README's command, from the source tree (its .dockerignore keeps the context small).
    r = podman("build", "--format", "docker", "-t", IMAGE, ".", cwd=SOURCE_DIR, timeout=900)
    print(r.stdout[-3000:] + r.stderr[-3000:])
    c.expect(r.returncode == 0, f"podman build exited {r.returncode}")
    return r.returncode == 0


def check_image(c):
    info = json.loads(podman("image", "inspect", IMAGE).stdout)[0]
    config = info.get("Config", {})
    print(json.dumps({k: config.get(k) for k in ("User", "Entrypoint", "Cmd", "Healthcheck",
                                                  "ExposedPorts", "Volumes", "Env")}, indent=1))
    size = info.get("Size", 0)
    print(f"image size: {size / 1e6:.1f} MB ({size} bytes)")
    c.expect(config.get("User") == "65532:65532", f"image user {config.get('User')}")
    c.expect(config.get("Entrypoint") == [BINARY], f"entrypoint {config.get('Entrypoint')}")
    c.expect(config.get("Cmd") == ["serve", "--config", "/etc/whm_transfer_exporter/config.yml"],
             f"cmd {config.get('Cmd')}")
    # podman reports the health check beside Config, docker inside it.
    health = (info.get("Healthcheck") or config.get("Healthcheck") or {}).get("Test")
    c.expect("docker" in info.get("ManifestType", ""),
             f"not a docker-format image: {info.get('ManifestType')} (podman drops HEALTHCHECK from OCI)")
    c.expect(health == ["CMD", BINARY, "healthcheck", "--url", "http://127.0.0.1:9923/-/healthy"],
             f"health check {health} (needs --format docker)")
    c.expect("9923/tcp" in (config.get("ExposedPorts") or {}), "port 9923 not exposed")
    c.expect("/var/lib/whm_transfer_exporter" in (config.get("Volumes") or {}), "no state volume")
    c.expect(0 < size < MAX_IMAGE_BYTES, f"image is {size} bytes, not under {MAX_IMAGE_BYTES}")
    return size


def export_rootfs(c, work):
    cid = podman("create", IMAGE).stdout.strip()
    c.expect(bool(cid), "podman create failed")
    rootfs = os.path.join(work, "rootfs")
    os.makedirs(rootfs)
    tar = os.path.join(work, "rootfs.tar")
    try:
        r = podman("export", "-o", tar, cid)
        c.expect(r.returncode == 0, f"podman export: {r.stderr}")
    finally:
        podman("rm", "-f", cid)
    run(["tar", "-C", rootfs, "-xpf", tar])
    os.remove(tar)
    files = sorted(os.path.relpath(os.path.join(d, f), rootfs) for d, _, fs in os.walk(rootfs)
                   for f in fs)
    print("image files: " + ", ".join(files))
    c.expect(not os.path.exists(os.path.join(rootfs, "var/cache/apt")), "apt caches in the image")
    c.expect(not os.path.exists(os.path.join(rootfs, "var/lib/apt")), "apt lists in the image")
    c.expect(not os.path.exists(os.path.join(rootfs, "bin/sh")), "a shell in the image")
    state = os.stat(os.path.join(rootfs, "var/lib/whm_transfer_exporter"))
    c.expect(state.st_uid == 65532 and state.st_gid == 65532,
             f"state folder owned by {state.st_uid}:{state.st_gid}, not the image's user")
    return rootfs


def runtime(rootfs, user, caps, *args, mounts=()):
    """The image's binary run the way a container runtime would: bind mounts made read-only
    in a private mount namespace, then the user and the capabilities (inheritable, ambient
    and bounding sets, as podman sets them for a non-root user), then chroot into the image.
    chroot itself needs CAP_SYS_CHROOT, which the process therefore keeps too: it grants no
    access to files."""
    script = ["set -e"]
    for source, target in mounts:
        t = os.path.join(rootfs, target.lstrip("/"))
        script += [f"mkdir -p '{t}'", f"mount --bind '{source}' '{t}'",
                   f"mount -o remount,bind,ro '{t}'"]
    caps += ",+sys_chroot"
    priv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups",
            f"--inh-caps=-all{caps}", f"--bounding-set=-all{caps}"]
    if user != 0:
        priv.append(f"--ambient-caps=-all{caps}")
    command = [*priv, "chroot", rootfs, BINARY, *args]
    script.append("exec " + " ".join(f"'{a}'" for a in command))
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", "\n".join(script)]


def check_binary(c, rootfs):
    r = run(["chroot", rootfs, BINARY, "--version"])
    print(r.stdout + r.stderr)
    c.expect(r.returncode == 0 and EXPECTED_REVISION in r.stdout,
             f"the image's binary does not name revision {EXPECTED_REVISION}: {r.stdout}")
    r = run(["chroot", rootfs, BINARY, "check-config", "/etc/whm_transfer_exporter/config.yml"])
    c.expect(r.returncode == 0, f"the image's config does not check: {r.stdout}{r.stderr}")


def check_local_mode(c, rootfs, work):
    tree = os.path.join(work, "transfer_sessions")
    make_session_tree(tree)
    want = {sid: harness.engine_summary(open(p, encoding="utf-8", errors="surrogateescape").read())
            for sid, p in master_logs(tree).items()}
    config = os.path.join(rootfs, "etc/whm_transfer_exporter/test.yml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f"listen_address: 127.0.0.1:0\nlocal:\n  enabled: true\n  path: {SESSIONS}\n"
                "  poll_interval: 1s\n  host_label: whm-local\n")
    os.chmod(config, 0o644)
    cases = (("user 65532 + CAP_DAC_READ_SEARCH (podman)", 65532, ",+dac_read_search", True),
             ("uid 0 + CAP_DAC_READ_SEARCH only (docker)", 0, ",+dac_read_search", True),
             ("user 65532, no capability", 65532, "", False))
    for label, user, caps, readable in cases:
        cmd = runtime(rootfs, user, caps, "serve", "--config", "/etc/whm_transfer_exporter/test.yml",
                      mounts=[(tree, SESSIONS)])
        process = harness.Process(cmd, "container-" + str(user) + caps.replace(",+", "-"), work,
                                  env=clean_env())
        try:
            port = harness.wait_for(lambda: served_port(process), timeout=30, what="listening")

            def summaries():
                status, body = http_get(port, "/api/v1/sessions")
                return {s["session_id"]: s["summary"] for s in json.loads(body)["sessions"]}
            if readable:
                try:
                    harness.wait_for(lambda: summaries() == want, timeout=60, interval=0.5,
                                     what="counts exact")
                    print(f"local mode, {label}: {len(want)} sessions, counts exact")
                except AssertionError as e:
                    c.expect(False, f"local mode, {label}: {e}\n{process.output()[-3000:]}")
                health = run(runtime(rootfs, user, caps, "healthcheck", "--url",
                                     f"http://127.0.0.1:{port}/-/healthy"), env=clean_env())
                c.expect(health.returncode == 0, f"{label}: healthcheck failed {health.stderr}")
            else:
                def refused():
                    metrics = http_get(port, "/metrics")[1].decode()
                    return re.search(r'whm_transfer_local_database_up\{[^}]*\} 0', metrics) \
                        or re.search(r'whm_transfer_host_errors_total\{[^}]*\} [1-9]', metrics)
                try:
                    harness.wait_for(refused, timeout=30, interval=0.5, what="read errors")
                    print(f"local mode, {label}: the logs are unreadable, and it says so")
                except AssertionError as e:
                    c.expect(False, f"{label}: no read error reported: {e}")
                c.expect(not summaries() or all(s["session"]["lines"] == 0 for s in summaries().values()),
                         f"{label}: read the logs without the capability")
        finally:
            process.stop()
    os.remove(config)


def quadlet_entries(path):
    sections, current = {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                current = sections.setdefault(line.strip("[]"), [])
            else:
                key, _, value = line.partition("=")
                current.append((key.strip(), value.strip()))
    return sections


def check_quadlet(c, work):
    path = os.path.join(SOURCE_DIR, "packaging", "whm_transfer_exporter.container")
    sections = quadlet_entries(path)
    container = sections.get("Container", [])
    keys = {k for k, _ in container}
    c.expect(keys <= QUADLET_44_KEYS, f"Quadlet keys podman 4.4 does not know: {keys - QUADLET_44_KEYS}")
    values = {}
    for k, v in container:
        values.setdefault(k, []).append(v)
    c.expect(values.get("Image") == ["localhost/whm_transfer_exporter:latest"], "Quadlet image")
    c.expect(f"{SESSIONS}:{SESSIONS}:ro" in values.get("Volume", []),
             "Quadlet: the sessions are not mounted read-only")
    c.expect(values.get("AddCapability") == ["CAP_DAC_READ_SEARCH"], "Quadlet capability")
    c.expect(values.get("DropCapability") == ["all"], "Quadlet: capabilities not dropped")
    c.expect(("LimitCORE", "0") in sections.get("Service", []), "Quadlet: no LimitCORE=0")

    # What Quadlet would run, against the image just built (podman create checks the options).
    args = ["create", "--name", f"wte-quadlet-test-{os.getpid()}"]
    tree = os.path.join(work, "quadlet-sessions")
    os.makedirs(tree, exist_ok=True)
    conf = os.path.join(work, "quadlet-config.yml")
    open(conf, "w").close()
    for k, v in container:
        if k == "Volume":
            v = v.replace(f"{SESSIONS}:", f"{tree}:", 1)
            v = v.replace("/etc/whm_transfer_exporter/config.yml:", f"{conf}:", 1)
            args += ["--volume", v]
        elif k == "AddCapability":
            args += ["--cap-add", v]
        elif k == "DropCapability":
            args += ["--cap-drop", v]
        elif k == "PublishPort":
            args += ["--publish", v]
        elif k == "ReadOnly" and v == "true":
            args.append("--read-only")
        elif k == "NoNewPrivileges" and v == "true":
            args += ["--security-opt", "no-new-privileges"]
        elif k == "SecurityLabelDisable" and v == "true":
            args += ["--security-opt", "label=disable"]
    exec_args = values.get("Exec", [""])[0].split()
    r = podman(*args, IMAGE, *exec_args)
    cid = r.stdout.strip()
    c.expect(r.returncode == 0, f"podman create with the Quadlet's settings: {r.stderr}")
    if r.returncode == 0:
        info = json.loads(podman("container", "inspect", cid).stdout)[0]
        host = info["HostConfig"]
        print(json.dumps({k: host.get(k) for k in ("CapAdd", "CapDrop", "ReadonlyRootfs",
                                                    "SecurityOpt")}, indent=1))
        c.expect(host.get("ReadonlyRootfs") is True, "Quadlet container: root not read-only")
        c.expect(any("DAC_READ_SEARCH" in x for x in host.get("CapAdd") or []),
                 "Quadlet container: no CAP_DAC_READ_SEARCH")
        mounts = {m["Destination"]: m for m in info.get("Mounts", [])}
        c.expect(SESSIONS in mounts and not mounts[SESSIONS].get("RW", True),
                 "Quadlet container: sessions not mounted read-only")
        podman("rm", "-f", cid)


def main():
    need_root()
    need_release()
    need_tool("setpriv")
    need_tool("unshare")
    c = Checker()
    work = temp_dir("wte_container_")
    os.chmod(work, 0o755)  # the image's user must reach its root without any capability
    try:
        if build(c):
            check_image(c)
            rootfs = export_rootfs(c, work)
            check_binary(c, rootfs)
            check_quadlet(c, work)
            check_local_mode(c, rootfs, work)
    finally:
        podman("rmi", "-f", IMAGE)
        remove_tree(work)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
