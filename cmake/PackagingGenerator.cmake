# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE): Debian's copyright,
# changelog and lintian override go into the .deb only.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_COMPONENTS_ALL main deb)
else()
  set(CPACK_COMPONENTS_ALL main)
endif()
