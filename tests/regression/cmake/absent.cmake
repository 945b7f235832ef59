# Passes only if none of FILES (a ;-list of paths) exists: failing runs must not leave output behind.
foreach(f IN LISTS FILES)
  if(EXISTS "${f}")
    message(FATAL_ERROR "${f} exists, but every run that names it fails and must not create it")
  endif()
endforeach()
message(STATUS "no output from failing runs: ${FILES}")
