/* Statistics over repetitions, and option checks, shared by the benchmark programs (benchstats.h). */
#include "benchstats.h"

/* An order for qsort of values without NaN (its callers return NaN statistics before sorting: AnyNaN). */
static int CompareReal(const void *a, const void *b)
{
  const PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* Whether any of n values is NaN: a failed repetition, reported as a NaN statistic instead of hidden in a median. */
static PetscBool AnyNaN(PetscInt n, const PetscReal v[])
{
  for (PetscInt i = 0; i < n; i++)
    if (PetscIsNanReal(v[i])) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* A sorted copy of n values, freed by the caller. */
static PetscErrorCode SortedCopy(PetscInt n, const PetscReal v[], PetscReal **s)
{
  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, s));
  PetscCall(PetscArraycpy(*s, v, n));
  qsort(*s, (size_t)n, sizeof(PetscReal), CompareReal);
  PetscFunctionReturn(0);
}

PetscErrorCode BenchMedian(PetscInt n, const PetscReal v[], PetscReal *med)
{
  PetscReal *s;

  PetscFunctionBegin;
  *med = NAN;
  if (!n || AnyNaN(n, v)) PetscFunctionReturn(0);
  PetscCall(SortedCopy(n, v, &s));
  *med = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  PetscCall(PetscFree(s));
  PetscFunctionReturn(0);
}

PetscErrorCode BenchStats(PetscInt n, const PetscReal t[], PetscReal *med, PetscReal *min, PetscReal *max)
{
  PetscReal *s;

  PetscFunctionBegin;
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Need at least one repetition, not %" PetscInt_FMT, n);
  if (AnyNaN(n, t)) {
    *med = *min = *max = NAN;
    PetscFunctionReturn(0);
  }
  PetscCall(SortedCopy(n, t, &s));
  *med = (n % 2) ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  *min = s[0];
  *max = s[n - 1];
  PetscCall(PetscFree(s));
  PetscFunctionReturn(0);
}

PetscErrorCode BenchLoadAverage(PetscReal load[3])
{
  FILE  *f = fopen("/proc/loadavg", "r");
  double l[3];

  PetscFunctionBegin;
  if (f && fscanf(f, "%lf %lf %lf", &l[0], &l[1], &l[2]) == 3) {
    for (int i = 0; i < 3; i++) load[i] = (PetscReal)l[i];
  } else {
    for (int i = 0; i < 3; i++) load[i] = NAN;
  }
  if (f) (void)fclose(f);
  PetscFunctionReturn(0);
}

PetscErrorCode BenchReportLoad(SNAPSReport report, const PetscReal load0[3])
{
  PetscReal load1[3];

  PetscFunctionBegin;
  PetscCall(BenchLoadAverage(load1));
  PetscCall(SNAPSReportSetRealArray(report, "load_average_at_start", 3, load0));
  PetscCall(SNAPSReportSetRealArray(report, "load_average_at_end", 3, load1));
  PetscFunctionReturn(0);
}

PetscErrorCode BenchCheckArrayCount(const char opt[], PetscInt n, PetscInt max)
{
  PetscFunctionBegin;
  PetscCheck(n <= max, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "%s takes at most %" PetscInt_FMT " values, but more were given: give at most %" PetscInt_FMT " (the rest would be ignored)", opt, max, max);
  PetscFunctionReturn(0);
}

PetscErrorCode BenchCheckArrayGiven(const char opt[], PetscBool set)
{
  PetscBool given;

  PetscFunctionBegin;
  PetscCall(PetscOptionsHasName(NULL, NULL, opt, &given));
  PetscCheck(set || !given, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "%s was given without values: give them, comma-separated (%s a,b,c), or remove it", opt, opt);
  PetscFunctionReturn(0);
}

PetscErrorCode BenchCheckResults(PetscBool has, const char results[], PetscInt n, const char *const inopts[], const char *const ins[])
{
  const char *opts[] = {"-results"}, *files[] = {results};

  PetscFunctionBegin;
  if (has) PetscCall(SNAPSOptionsCheckFileNames(PETSC_COMM_WORLD, NULL, 1, opts)); /* the message of every program */
  /* -log_view ascii:<the -data file> replaced the data at the end of the run, and ascii:<-results> the report */
  PetscCall(SNAPSCheckFiles(PETSC_COMM_WORLD, n, inopts, ins, has ? 1 : 0, opts, files));
  PetscFunctionReturn(0);
}
