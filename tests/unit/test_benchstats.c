/* bench/benchstats.c: medians and extremes, with Inf and NaN. A NaN (a failed repetition) makes the statistic NaN
   wherever it is in the list; qsort with the old comparator (no order for NaN) gave 3, 2 or NaN for {3,NaN,1,5,2}
   depending on where the NaN was. */
#include "benchstats.h"

static PetscErrorCode CheckMedian(PetscInt n, const PetscReal v[], PetscReal expect)
{
  PetscReal med;

  PetscFunctionBegin;
  PetscCall(BenchMedian(n, v, &med));
  PetscCheck(PetscIsNanReal(expect) ? PetscIsNanReal(med) : med == expect, PETSC_COMM_SELF, PETSC_ERR_PLIB, "median %g, expected %g", (double)med, (double)expect);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PetscReal odd[5] = {3, 1, 5, 2, 4}, even[4] = {4, 1, 3, 2}, inf[3] = {PETSC_INFINITY, 1, 2};
  PetscReal       v[5], med, min, max;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(CheckMedian(5, odd, 3));
  PetscCall(CheckMedian(4, even, 2.5));
  PetscCall(CheckMedian(3, inf, 2));
  PetscCall(CheckMedian(0, odd, NAN));
  for (PetscInt at = 0; at < 5; at++) { /* NaN in every place: always NaN */
    PetscCall(PetscArraycpy(v, odd, 5));
    v[at] = NAN;
    PetscCall(CheckMedian(5, v, NAN));
    PetscCall(BenchStats(5, v, &med, &min, &max));
    PetscCheck(PetscIsNanReal(med) && PetscIsNanReal(min) && PetscIsNanReal(max), PETSC_COMM_SELF, PETSC_ERR_PLIB, "BenchStats with a NaN at %" PetscInt_FMT ": %g %g %g", at, (double)med, (double)min, (double)max);
  }
  PetscCall(BenchStats(5, odd, &med, &min, &max));
  PetscCheck(med == 3 && min == 1 && max == 5, PETSC_COMM_SELF, PETSC_ERR_PLIB, "BenchStats %g %g %g", (double)med, (double)min, (double)max);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "test_benchstats: medians, extremes, Inf last, NaN reported\n"));
  PetscCall(PetscFinalize());
  return 0;
}
