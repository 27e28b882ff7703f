# whm-transfer-exporter: before installing. The system user and group (shadow-utils); an
# existing one is kept.
getent group whm_transfer_exporter >/dev/null || groupadd -r whm_transfer_exporter
getent passwd whm_transfer_exporter >/dev/null || \
  useradd -r -g whm_transfer_exporter -d /nonexistent -M -s /sbin/nologin \
    -c "Prometheus exporter for cPanel/WHM account transfers" whm_transfer_exporter
exit 0
