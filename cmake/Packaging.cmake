# Install rules for everything but the binary (daemon/CMakeLists.txt installs that), and the
# Debian package:  cmake --build B --target whm_transfer_exporter && (cd B && cpack -G DEB)
# All destinations are relative to the prefix (/usr in the package), so
# `cmake --install B --prefix P` never writes outside P. /etc/whm_transfer_exporter is made
# by the postinst script instead.
set(WTE_DOC_DIR share/doc/whm_transfer_exporter)
# The package holds the daemon only: `install`/cpack must not build the tests, benchmarks and
# tools first (build the whm_transfer_exporter target yourself, as above).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(WTE_UNIT_DIR lib/systemd/system CACHE STRING "systemd system units, relative to the prefix")

install(FILES systemd/whm_transfer_exporter.service systemd/whm_transfer_exporter@.service
        DESTINATION ${WTE_UNIT_DIR})
install(FILES systemd/remote-only.conf DESTINATION ${WTE_DOC_DIR}/examples/systemd)
install(FILES config/prometheus/alerts.yml config/prometheus/alerts_test.yml
              config/prometheus/scrape.yml config/prometheus/alertmanager.yml
        DESTINATION ${WTE_DOC_DIR}/examples/prometheus)
install(FILES config/grafana/whm-transfers.json config/grafana/alert-rules.yml
        DESTINATION ${WTE_DOC_DIR}/examples/grafana)
# Written by others; installed when present so the package builds at every stage.
foreach(doc README.md docs/METRICS.md docs/CONFIGURATION.md LICENSE)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${doc})
    install(FILES ${doc} DESTINATION ${WTE_DOC_DIR})
  endif()
endforeach()
if(EXISTS ${PROJECT_SOURCE_DIR}/config/whm_transfer_exporter.example.yml)
  install(FILES config/whm_transfer_exporter.example.yml DESTINATION ${WTE_DOC_DIR}/examples
          RENAME config.yml.example)
endif()

# --- Debian package ---------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME whm-transfer-exporter)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "whm_transfer_exporter maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Prometheus exporter for cPanel/WHM account transfers")
set(CPACK_PACKAGE_DESCRIPTION
    "Watches cPanel/WHM account-transfer sessions, locally on a WHM server or remotely over
the WHM API, and exports their progress, failures and dangerous items as Prometheus metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared-library dependencies come from dpkg-shlibdeps; ca-certificates is needed to
# verify WHM servers' certificates and is not a library.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

# Maintainer scripts, in the style of debhelper's systemd snippets (deb-systemd-helper keeps
# the administrator's enable/disable choice across upgrades). Generated here so the package
# needs no debian/ folder.
set(WTE_UNIT whm_transfer_exporter.service)
set(WTE_MAINT_DIR ${PROJECT_BINARY_DIR}/packaging)
file(WRITE ${WTE_MAINT_DIR}/postinst "#!/bin/sh
set -e
unit=${WTE_UNIT}
case \"$1\" in
configure|abort-upgrade|abort-deconfigure|abort-remove)
  # The config goes here; the unit does not start until config.yml exists.
  install -d -m 0755 /etc/whm_transfer_exporter
  if command -v deb-systemd-helper >/dev/null 2>&1; then
    deb-systemd-helper unmask \"$unit\" >/dev/null || true
    # was-enabled is true on a first install: enable then; later, respect the admin's choice.
    if deb-systemd-helper --quiet was-enabled \"$unit\"; then
      deb-systemd-helper enable \"$unit\" >/dev/null || true
    else
      deb-systemd-helper update-state \"$unit\" >/dev/null || true
    fi
  elif [ -d /run/systemd/system ] && [ -z \"$2\" ]; then
    systemctl enable \"$unit\" >/dev/null || true
  fi
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    # Upgrades restart a running exporter; a first install starts it if configured.
    if [ -n \"$2\" ]; then
      systemctl try-restart \"$unit\" 'whm_transfer_exporter@*.service' >/dev/null || true
    else
      systemctl start \"$unit\" >/dev/null || true
    fi
  fi
  ;;
esac
exit 0
")
file(WRITE ${WTE_MAINT_DIR}/prerm "#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ \"$1\" = remove ]; then
  systemctl stop ${WTE_UNIT} 'whm_transfer_exporter@*.service' >/dev/null || true
fi
exit 0
")
file(WRITE ${WTE_MAINT_DIR}/postrm "#!/bin/sh
set -e
unit=${WTE_UNIT}
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
if command -v deb-systemd-helper >/dev/null 2>&1; then
  case \"$1\" in
  remove) deb-systemd-helper mask \"$unit\" >/dev/null || true ;;
  purge)
    deb-systemd-helper purge \"$unit\" >/dev/null || true
    deb-systemd-helper unmask \"$unit\" >/dev/null || true
    ;;
  esac
fi
if [ \"$1\" = purge ]; then
  # The state (cursor positions, the session list); the config is the administrator's, so
  # its folder goes only when empty.
  rm -rf /var/lib/whm_transfer_exporter /var/lib/private/whm_transfer_exporter \\
         /var/lib/whm_transfer_exporter-shard-* /var/lib/private/whm_transfer_exporter-shard-*
  rmdir --ignore-fail-on-non-empty /etc/whm_transfer_exporter 2>/dev/null || true
fi
exit 0
")
file(CHMOD ${WTE_MAINT_DIR}/postinst ${WTE_MAINT_DIR}/prerm ${WTE_MAINT_DIR}/postrm
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                 WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${WTE_MAINT_DIR}/postinst ${WTE_MAINT_DIR}/prerm ${WTE_MAINT_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
