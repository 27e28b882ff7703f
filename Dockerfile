# whm_transfer_exporter container image.
#   podman build --isolation chroot --pull=never -t whm_transfer_exporter .
#   (add --format docker to keep the HEALTHCHECK: OCI images have none)
#   docker run -d -p 9923:9923 \
#     -v /srv/wte/config.yml:/etc/whm_transfer_exporter/config.yml:ro \
#     -v /srv/wte/whm.token:/run/secrets/whm-token:ro \
#     -v wte-state:/var/lib/whm_transfer_exporter whm_transfer_exporter
#
# The image is meant for *remote* mode (polling WHM servers over the API). Local mode reads
# root-only files of a WHM server and belongs in systemd/whm_transfer_exporter.service.

# --- build ---------------------------------------------------------------------------------
FROM debian:bookworm AS build
COPY scripts/install-deps /tmp/install-deps
RUN /tmp/install-deps --build-only && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the daemon: tests, benchmarks and the test tools are not part of the image.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DWTE_BUILD_TESTS=OFF -DWTE_BUILD_BENCH=OFF \
 && cmake --build /build --target whm_transfer_exporter -j"$(nproc)" \
 && strip /build/whm_transfer_exporter

# --- runtime -------------------------------------------------------------------------------
FROM debian:bookworm-slim
# The shared libraries the binary links (checked by the ldd line below), nothing else.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates libboost-url1.81.0 libssl3 libyaml-cpp0.7 libprometheus-cpp-core1.0 \
      libsqlite3-0 libsystemd0 libcrypt1 libstdc++6 libgcc-s1 >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 whm_transfer_exporter \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /var/lib/whm_transfer_exporter \
      --shell /usr/sbin/nologin whm_transfer_exporter \
 && install -d -o 65532 -g 65532 -m 0700 /var/lib/whm_transfer_exporter \
 && install -d -m 0755 /etc/whm_transfer_exporter
COPY --from=build /build/whm_transfer_exporter /usr/bin/whm_transfer_exporter
COPY config/whm_transfer_exporter.example.yml /usr/share/doc/whm_transfer_exporter/config.yml.example
# Fail the build, not the first start, when a runtime library is missing.
RUN if ldd /usr/bin/whm_transfer_exporter | grep 'not found'; then exit 1; fi \
 && /usr/bin/whm_transfer_exporter --version

# Config: mount a file at /etc/whm_transfer_exporter/config.yml (read-only). It must listen
# on 0.0.0.0:9923 (or [::]:9923), not 127.0.0.1, to be reachable from outside the container.
# Tokens: mount them as secrets; CREDENTIALS_DIRECTORY makes the daemon look in /run/secrets
# (docker/podman secrets land there) exactly as it does under systemd's LoadCredential=.
ENV CREDENTIALS_DIRECTORY=/run/secrets
VOLUME ["/var/lib/whm_transfer_exporter"]
EXPOSE 9923
USER 65532:65532
# Logs go to stderr (the container runtime collects them).
# Health: the binary's own `healthcheck` probe of /-/healthy, so no curl in the image. (Needs
# --format docker with podman; OCI images carry no HEALTHCHECK. Plain HTTP only: behind TLS or
# basic auth use the orchestrator's own probe.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/bin/whm_transfer_exporter", "healthcheck", "--url", "http://127.0.0.1:9923/-/healthy"]
ENTRYPOINT ["/usr/bin/whm_transfer_exporter"]
CMD ["serve", "--config", "/etc/whm_transfer_exporter/config.yml"]
