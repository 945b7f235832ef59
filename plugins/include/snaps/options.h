/* Options that were set but never used: a warning at exit, so a misspelt or wrongly prefixed option is seen. */
#pragma once

#include <petscsys.h>

/* Call right before PetscFinalize(): then PetscFinalize() prints, on rank 0 of the communicator, one warning
   line per option that no rank used. Quiet under -help and when -options_left is given (PETSc reports).
   For programs; libsnaps loaded with -dll_append into another program does not call it (-options_left there). */
PETSC_EXTERN PetscErrorCode SNAPSOptionsWarnUnused(MPI_Comm);
