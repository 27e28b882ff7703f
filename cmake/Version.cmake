# What the binaries report as their build (--version, whm_transfer_exporter_build_info):
# the project's version and the git revision of the source tree at configure time.
# WTE_REVISION (-D or the environment, as cmake/BuildInfo.cmake takes it) overrides the
# revision where git cannot tell (a tree without .git). This is the configure-time value the
# packages' changelog and the release tests use; --version's own comes from BuildInfo.cmake.
set(WTE_REVISION "" CACHE STRING "git revision to report (empty: $WTE_REVISION, else git)")
if(WTE_REVISION)
  set(WTE_GIT_REVISION ${WTE_REVISION})
elseif(NOT "$ENV{WTE_REVISION}" STREQUAL "")
  set(WTE_GIT_REVISION $ENV{WTE_REVISION})
else()
  execute_process(COMMAND git -C ${PROJECT_SOURCE_DIR} rev-parse --short HEAD
    OUTPUT_VARIABLE WTE_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT WTE_GIT_REVISION)
    set(WTE_GIT_REVISION unknown)
  endif()
endif()
message(STATUS "whm_transfer_exporter ${PROJECT_VERSION}, revision ${WTE_GIT_REVISION}")
