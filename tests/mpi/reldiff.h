/* Shared by the MPI tests that compare a parallel result with the one-process one. */
#pragma once

#include <petscsys.h>

/* max |a - b| / max |a| over n entries (the absolute difference when a is zero). */
static inline PetscReal RelDiff(PetscInt n, const PetscReal *a, const PetscReal *b)
{
  PetscReal dmax = 0, amax = 0;
  for (PetscInt i = 0; i < n; i++) {
    dmax = PetscMax(dmax, PetscAbsReal(a[i] - b[i]));
    amax = PetscMax(amax, PetscAbsReal(a[i]));
  }
  return amax > 0 ? dmax / amax : dmax;
}
