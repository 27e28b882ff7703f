# whm-transfer-exporter: after installing ($1 = 1) or upgrading ($1 = 2). A first install
# enables the unit but does not start it (it starts at the next boot, or with
# `systemctl start`, once the administrator has looked at /etc/whm_transfer_exporter/config.yml).
if [ -x /usr/bin/systemctl ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -eq 1 ]; then
    systemctl --no-reload enable whm_transfer_exporter.service >/dev/null 2>&1 || :
  fi
fi
exit 0
