# What a sanitizer prints when it finds something (ASan, LSan, MSan, UBSan's "runtime error:", TSan). Included by
# the drivers that run a program: an expected failure (or an expected success) whose output holds such a report
# fails, whatever else matches; otherwise a report on one rank of a run that must fail (for another reason) passed.
set(SNAPS_SANITIZER_REPORT "ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|runtime error: |SUMMARY: [A-Za-z]+Sanitizer")
function(snaps_check_sanitizer_report text cmdline)
  if(text MATCHES "${SNAPS_SANITIZER_REPORT}")
    message(FATAL_ERROR "the output holds a sanitizer report (\"${CMAKE_MATCH_0}\"):\n${cmdline}\n${text}")
  endif()
endfunction()
