# Install rules (every build) and, in the static release build, the man page and the RPM
# and Debian packages (scripts/build-release runs cpack; the tarball and the container
# image's files are laid out by the script from the same install).
#
# Destinations are relative to the prefix (/usr in the packages), except the config, which
# goes to /etc/whm_transfer_exporter for the /usr prefix and to PREFIX/etc otherwise (as
# GNUInstallDirs does), so `cmake --install B --prefix P` never writes outside P unless P is
# /usr. Install components: `main` for everything, `deb` for Debian's own files.
set(WTE_PACKAGE_NAME whm-transfer-exporter)
set(WTE_DOC_DIR share/doc/${WTE_PACKAGE_NAME})
set(WTE_UNIT_DIR lib/systemd/system CACHE STRING "systemd system units, relative to the prefix")
set(WTE_PACKAGE_MAINTAINER "whm_transfer_exporter maintainers <maintainers@whm-transfer-exporter.example>"
    CACHE STRING "Maintainer of the packages (Debian's Maintainer, RPM's Packager)")
# The package holds the daemon only: `install`/cpack must not build the tests, benchmarks and
# tools first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(FILES systemd/whm_transfer_exporter.service systemd/whm_transfer_exporter@.service
        DESTINATION ${WTE_UNIT_DIR} COMPONENT main)
install(FILES systemd/remote-only.conf DESTINATION ${WTE_DOC_DIR}/examples/systemd COMPONENT main)
install(FILES packaging/whm_transfer_exporter.container
        DESTINATION ${WTE_DOC_DIR}/examples/container COMPONENT main)
install(FILES config/prometheus/alerts.yml config/prometheus/alerts_test.yml
              config/prometheus/scrape.yml config/prometheus/alertmanager.yml
        DESTINATION ${WTE_DOC_DIR}/examples/prometheus COMPONENT main)
install(FILES config/grafana/whm-transfers.json config/grafana/alert-rules.yml DESTINATION ${WTE_DOC_DIR}/examples/grafana
        COMPONENT main)
install(FILES config/whm_transfer_exporter.example.yml DESTINATION ${WTE_DOC_DIR}/examples
        COMPONENT main)
# Written by others; installed when present so the package builds at every stage.
foreach(doc README.md LICENSE docs/METRICS.md docs/CONFIGURATION.md docs/LOG-FORMAT.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${doc})
    install(FILES ${doc} DESTINATION ${WTE_DOC_DIR} COMPONENT main)
  endif()
endforeach()
# The configuration: local mode as shipped; an existing one is the administrator's and stays.
install(CODE "set(wte_config_source \"${PROJECT_SOURCE_DIR}/packaging/config.yml\")" COMPONENT main)
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(wte_etc /etc/whm_transfer_exporter)
  else()
    set(wte_etc ${CMAKE_INSTALL_PREFIX}/etc/whm_transfer_exporter)
  endif()
  if(EXISTS "$ENV{DESTDIR}${wte_etc}/config.yml")
    message(STATUS "Kept: $ENV{DESTDIR}${wte_etc}/config.yml")
  else()
    file(INSTALL ${wte_config_source} DESTINATION ${wte_etc}
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endif()
]] COMPONENT main)

if(NOT WTE_STATIC)
  return()  # packages are made from the static binary only (scripts/build-release)
endif()

# --- man page (help2man, from the binary's --help) -----------------------------------------
find_program(WTE_HELP2MAN help2man REQUIRED)
set(WTE_MAN_PAGE ${PROJECT_BINARY_DIR}/man/whm_transfer_exporter.1.gz)
add_custom_command(OUTPUT ${WTE_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
  COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:whm_transfer_exporter> -DHELP2MAN=${WTE_HELP2MAN}
          -DINCLUDE=${PROJECT_SOURCE_DIR}/packaging/whm_transfer_exporter.h2m
          -DVERSION=${PROJECT_VERSION} -DOUT=${WTE_MAN_PAGE} -P ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
  DEPENDS whm_transfer_exporter ${PROJECT_SOURCE_DIR}/packaging/whm_transfer_exporter.h2m
          ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
  COMMENT "Man page from --help (help2man)")
add_custom_target(wte_man_page ALL DEPENDS ${WTE_MAN_PAGE})
install(FILES ${WTE_MAN_PAGE} DESTINATION share/man/man1 COMPONENT main)

# --- Debian's own files: copyright, changelog, the lintian override -------------------------
# The changelog's one entry is this release, dated by SOURCE_DATE_EPOCH (the commit's time,
# set by scripts/build-release) so that the package is reproducible.
string(TIMESTAMP WTE_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(packaging/deb/changelog.in ${PROJECT_BINARY_DIR}/deb/changelog @ONLY)
execute_process(COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/deb/changelog COMMAND_ERROR_IS_FATAL ANY)
install(FILES packaging/deb/copyright ${PROJECT_BINARY_DIR}/deb/changelog.gz
        DESTINATION ${WTE_DOC_DIR} COMPONENT deb)
install(FILES packaging/deb/lintian-overrides DESTINATION share/lintian/overrides
        RENAME ${WTE_PACKAGE_NAME} COMPONENT deb)

# --- cpack: both packages ------------------------------------------------------------------
set(CPACK_PACKAGE_NAME ${WTE_PACKAGE_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${WTE_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Prometheus exporter for cPanel/WHM account transfers")
set(CPACK_PACKAGE_DESCRIPTION
    "Watches cPanel & WHM account-transfer sessions, locally on a WHM server or
remotely over the WHM API, and exports their progress, failures and dangerous
items as Prometheus metrics. One static binary: no library dependencies.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)  # the prefix cpack installs with under CPACK_SET_DESTDIR
# Install with DESTDIR, so that the config's absolute path lands in the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/dist)
set(CPACK_GENERATOR "DEB;RPM")
# One package per generator, each with its own components (cmake/PackagingGenerator.cmake).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/PackagingGenerator.cmake)

# Debian 11/12, Ubuntu 22.04/24.04: no library dependency at all.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)  # every dpkg reads it (Debian 11 has no zstd)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# EL8/EL9 (AlmaLinux, Rocky Linux, CloudLinux), built with Debian's rpm tools.
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_ARCHITECTURE x86_64)
set(CPACK_RPM_PACKAGE_LICENSE Apache-2.0)
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
# Without these, rpm -qi shows CPack's placeholder text and vendor.
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_VENDOR "whm_transfer_exporter maintainers")
set(CPACK_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_AUTOREQPROV OFF)  # nothing to find in a static binary
set(CPACK_RPM_PACKAGE_REQUIRES "ca-certificates")
set(CPACK_RPM_PACKAGE_REQUIRES_PRE "shadow-utils")
set(CPACK_RPM_USER_FILELIST "%config(noreplace) /etc/whm_transfer_exporter/config.yml")
# Folders that belong to systemd or the file system package, not to us.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/lib/systemd /usr/lib/systemd/system /usr/share/man /usr/share/man/man1)
set(CPACK_RPM_PRE_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/pre.sh)
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/post.sh)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/preun.sh)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/postun.sh)
# xz payload (EL8's rpm reads it; Debian's rpm defaults to zstd), no /usr/lib/.build-id
# links, no debuginfo package, no second strip by rpmbuild.
set(CPACK_RPM_COMPRESSION_TYPE xz)
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none
%define debug_package %{nil}
%define __os_install_post %{nil}")
include(CPack)
