# "An existing model is never damaged": a failing snaps-fit (or snaps-predict) run that names an
# existing file as its output must leave that file byte for byte as it was, leave no temporary
# files behind, and the model must still load.
#   cmake -DFIT=... -DPREDICT=... -DDATA=<dir of make_data.py> -DWORK=<scratch dir>
#         "-DMPIEXEC=mpiexec;--oversubscribe" -P model_unharmed.cmake
foreach(v FIT PREDICT DATA WORK MPIEXEC)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "model_unharmed.cmake: -D${v}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(A ${WORK}/A.h5)

function(run expect)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 30)
  string(JOIN " " cmd ${ARGN})
  if(expect STREQUAL "ok" AND NOT rc EQUAL 0)
    message(FATAL_ERROR "this should have worked but failed (${rc}):\n${cmd}\n${out}${err}")
  elseif(expect STREQUAL "fail" AND rc EQUAL 0)
    message(FATAL_ERROR "this should have failed but succeeded:\n${cmd}\n${out}${err}")
  endif()
  message(STATUS "${expect} as expected (${rc}): ${cmd}")
endfunction()

function(check_unchanged what)
  file(SHA256 ${A} now)
  if(NOT now STREQUAL ref)
    message(FATAL_ERROR "the existing model ${A} was modified by: ${what}\n(sha256 ${ref} -> ${now})")
  endif()
  file(GLOB left ${WORK}/.*tmp* ${WORK}/*.tmp*)
  if(left)
    message(FATAL_ERROR "temporary files were left behind by: ${what}\n${left}")
  endif()
endfunction()

run(ok ${FIT} -data ${DATA}/good.h5 -model ${A})
file(SHA256 ${A} ref)
message(STATUS "model A: sha256 ${ref}")

# Bad data, bad options, bad warm start: every one must fail and leave A alone.
run(fail ${FIT} -data ${DATA}/nan.h5 -model ${A})
check_unchanged("snaps-fit with NaN in X")
run(fail ${FIT} -data ${DATA}/truncated.h5 -model ${A})
check_unchanged("snaps-fit with a truncated dataset")
run(fail ${FIT} -data ${DATA}/good.h5 -model ${A} -sna_fit_lambda -1)
check_unchanged("snaps-fit -sna_fit_lambda -1")
run(fail ${FIT} -data ${DATA}/good3.h5 -model ${A} -init_model ${A})
check_unchanged("snaps-fit -init_model with the wrong dimension")
run(fail ${FIT} -data ${DATA}/inf_y.h5 -model ${A})
check_unchanged("snaps-fit with Inf in Y")
run(fail ${MPIEXEC} -n 2 ${FIT} -data ${DATA}/text.h5 -model ${A})
check_unchanged("snaps-fit on 2 ranks with a non-HDF5 dataset")
run(fail ${MPIEXEC} -n 2 ${FIT} -data ${DATA}/good.h5 -model ${A} -sna_khronos_degree 9)
check_unchanged("snaps-fit on 2 ranks with -sna_khronos_degree 9")
# snaps-predict's output is atomic as well
run(fail ${PREDICT} -model ${A} -data ${DATA}/good3.h5 -out ${A})
check_unchanged("snaps-predict -out A with mismatched data")
run(fail ${PREDICT} -model ${DATA}/good.h5 -data ${DATA}/good.h5 -out ${A})
check_unchanged("snaps-predict -out A with a dataset as the model")

# A still loads and predicts.
run(ok ${PREDICT} -model ${A} -data ${DATA}/good.h5 -out ${WORK}/pred.h5)
if(NOT EXISTS ${WORK}/pred.h5)
  message(FATAL_ERROR "snaps-predict succeeded but wrote no ${WORK}/pred.h5")
endif()
check_unchanged("snaps-predict with A")
message(STATUS "model A is intact and still loads")
