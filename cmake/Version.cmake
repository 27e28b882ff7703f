# What the binaries report as their build (--version, whm_transfer_exporter_build_info):
# the project's version and the git revision of the source tree at configure time.
# WTE_REVISION overrides the revision where git cannot tell (a tree without .git).
set(WTE_REVISION "" CACHE STRING "git revision to report (empty: asked from git)")
if(WTE_REVISION)
  set(WTE_GIT_REVISION ${WTE_REVISION})
else()
  execute_process(COMMAND git -C ${PROJECT_SOURCE_DIR} rev-parse --short HEAD
    OUTPUT_VARIABLE WTE_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT WTE_GIT_REVISION)
    set(WTE_GIT_REVISION unknown)
  endif()
endif()
message(STATUS "whm_transfer_exporter ${PROJECT_VERSION}, revision ${WTE_GIT_REVISION}")
