# Runs CMD (a ;-list) and passes only if it exits with 0 within MAXTIME seconds (default 120), its output
# (stdout and stderr) matches REGEX (when given and not empty) and does not match NOT_REGEX (when given and
# not empty). For what a successful run must print, or must not print (e.g. no warning). A sanitizer report in the
# output fails it (sanitizer_report.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/sanitizer_report.cmake)
if(NOT DEFINED MAXTIME)
  set(MAXTIME 120)
endif()
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT ${MAXTIME})
set(all "${out}${err}")
string(JOIN " " cmdline ${CMD})
snaps_check_sanitizer_report("${all}" "${cmdline}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "expected success, but the command failed (${rc}):\n${cmdline}\n${all}")
endif()
if(REGEX AND NOT all MATCHES "${REGEX}")
  message(FATAL_ERROR "the command succeeded but its output does not match '${REGEX}':\n${cmdline}\n${all}")
endif()
if(NOT_REGEX AND all MATCHES "${NOT_REGEX}")
  message(FATAL_ERROR "the command succeeded but its output matches '${NOT_REGEX}', which it must not (\"${CMAKE_MATCH_0}\"):\n${cmdline}\n${all}")
endif()
message(STATUS "succeeded with the expected output")
