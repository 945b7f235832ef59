/* Statistics over repetitions shared by the benchmark programs. */
#pragma once

#include <petscsys.h>

/* Median of n values (mean of the two middle ones for even n; NaN if n == 0; Inf sorts last); v is not modified. */
PetscErrorCode BenchMedian(PetscInt, const PetscReal[], PetscReal *);
/* Median, minimum and maximum of n > 0 values (t is not modified). */
PetscErrorCode BenchStats(PetscInt, const PetscReal[], PetscReal *, PetscReal *, PetscReal *);
