# Writes the man page from the binary's own help: `cmake -P` script.
#   -DBINARY=whm_transfer_exporter -DHELP2MAN=help2man -DINCLUDE=packaging/...h2m
#   -DVERSION=0.1.0 -DOUT=whm_transfer_exporter.1.gz
# help2man turns `--help` into the page; each command's own help is appended under
# COMMANDS. The date comes from SOURCE_DATE_EPOCH when set (a reproducible page).
foreach(var BINARY HELP2MAN INCLUDE VERSION OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ManPage.cmake: ${var} not set")
  endif()
endforeach()

get_filename_component(out_dir ${OUT} DIRECTORY)
set(page ${out_dir}/whm_transfer_exporter.1)
file(READ ${INCLUDE} include_text)
string(APPEND include_text "\n[COMMANDS]\n")
foreach(command serve progress check-config sessions healthcheck)
  # Some commands print their usage on stderr with exit status 2: both streams, any status.
  execute_process(COMMAND ${BINARY} ${command} --help
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE ignored)
  string(REGEX REPLACE "^whm_transfer_exporter: unknown option --help\n" "" err "${err}")
  set(text "${out}${err}")
  # roff: a backslash is \e; a line starting with . or ' would be a request.
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(APPEND include_text ".SS ${command}\n.nf\n${text}.fi\n")
endforeach()
file(WRITE ${out_dir}/whm_transfer_exporter.h2m "${include_text}")

# help2man finds the synopsis after "Usage:"; the binary says "usage:". A wrapper of the same
# name capitalises it.
set(wrapper_dir ${out_dir}/help2man-wrapper)
file(MAKE_DIRECTORY ${wrapper_dir})
file(WRITE ${wrapper_dir}/whm_transfer_exporter
     "#!/bin/sh\n\"${BINARY}\" \"$@\" 2>&1 | sed '1s/^usage:/Usage:/'\n")
file(CHMOD ${wrapper_dir}/whm_transfer_exporter
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
execute_process(
  COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1 --version-string=${VERSION}
          "--name=Prometheus exporter for cPanel/WHM account transfers"
          --include=${out_dir}/whm_transfer_exporter.h2m --output=${page}
          ${wrapper_dir}/whm_transfer_exporter
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
# gzip -9n: no name or time stamp in the header (lintian, reproducible builds).
execute_process(COMMAND gzip -9nf ${page} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip failed (${rc})")
endif()
