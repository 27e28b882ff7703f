# whm-transfer-exporter: before erasing ($1 = 0; 1 on upgrade). Stops and disables the
# exporter and its shards.
if [ "$1" -eq 0 ] && [ -x /usr/bin/systemctl ]; then
  systemctl --no-reload disable --now whm_transfer_exporter.service >/dev/null 2>&1 || :
  systemctl stop 'whm_transfer_exporter@*.service' >/dev/null 2>&1 || :
fi
exit 0
