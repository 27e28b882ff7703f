# whm-transfer-exporter: after erasing ($1 = 0) or upgrading ($1 = 1). An upgrade restarts
# the exporters that run. An edited config.yml is kept (as config.yml.rpmsave on erase).
if [ -x /usr/bin/systemctl ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart whm_transfer_exporter.service 'whm_transfer_exporter@*.service' \
      >/dev/null 2>&1 || :
  fi
fi
exit 0
