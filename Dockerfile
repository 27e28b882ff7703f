# whm_transfer_exporter container image: the static release binary and nothing else (no
# shell, no package manager, no libraries), like the Prometheus project's own images.
#
#   scripts/build-release                       # the binary and build-release/image/
#   podman build --format docker -t whm_transfer_exporter .
#   (or: docker build -t whm_transfer_exporter .)
#
# --format docker keeps the HEALTHCHECK (podman drops it from OCI images). The image knows
# its build: `whm_transfer_exporter --version` and whm_transfer_exporter_build_info name the
# version and the git revision the binary was built from.
#
# Remote mode (polling WHM servers over the API):
#   podman run -d -p 9923:9923 \
#     -v /srv/wte/config.yml:/etc/whm_transfer_exporter/config.yml:ro \
#     -v /srv/wte/whm.token:/run/secrets/whm-token:ro \
#     -v wte-state:/var/lib/whm_transfer_exporter whm_transfer_exporter
# Local mode, on the WHM server (rootful podman; see README, Container, for docker and
# SELinux, and packaging/whm_transfer_exporter.container for the Quadlet unit):
#   podman run -d -p 9923:9923 --cap-drop=all --cap-add=DAC_READ_SEARCH --read-only \
#     --security-opt label=disable \
#     -v /var/cpanel/transfer_sessions:/var/cpanel/transfer_sessions:ro whm_transfer_exporter
FROM scratch
# The binary, Debian's CA bundle, a local-mode config, /etc/passwd and /etc/group naming
# the user, nsswitch.conf ("hosts: files dns"): build-release/image/rootfs.
COPY build-release/image/rootfs/ /
COPY --chown=65532:65532 build-release/image/state/ /var/lib/

LABEL org.opencontainers.image.title="whm_transfer_exporter" \
      org.opencontainers.image.description="Prometheus exporter for cPanel/WHM account transfers" \
      org.opencontainers.image.licenses="Apache-2.0"
# Tokens: mount them as secrets; CREDENTIALS_DIRECTORY makes the daemon look in /run/secrets
# (docker/podman secrets land there) exactly as it does under systemd's LoadCredential=.
ENV CREDENTIALS_DIRECTORY=/run/secrets
VOLUME ["/var/lib/whm_transfer_exporter"]
EXPOSE 9923
USER 65532:65532
# Health: the binary's own probe of /-/healthy (there is no curl, no shell). Plain HTTP
# only: behind TLS or basic auth use the orchestrator's own probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/bin/whm_transfer_exporter", "healthcheck", "--url", "http://127.0.0.1:9923/-/healthy"]
# Logs go to stderr (the container runtime collects them).
ENTRYPOINT ["/usr/bin/whm_transfer_exporter"]
CMD ["serve", "--config", "/etc/whm_transfer_exporter/config.yml"]
