/* Statistics over repetitions, and option checks, shared by the benchmark programs. */
#pragma once

#include <petscsys.h>
#include <snaps.h>

/* Median of n values (mean of the two middle ones for even n; NaN if n == 0; Inf sorts last); v is not modified.
   NaN if any value is NaN: a failed repetition (a NaN MSE) is reported, not hidden in the median of the others. */
PetscErrorCode BenchMedian(PetscInt, const PetscReal[], PetscReal *);
/* Median, minimum and maximum of n > 0 values (t is not modified); all three NaN if any value is NaN. */
PetscErrorCode BenchStats(PetscInt, const PetscReal[], PetscReal *, PetscReal *, PetscReal *);
/* Fails when array option opt gave n values, more than max: call PetscOptions*Array with room for max + 1
   values (n = max + 1 on input), so that an extra value is seen instead of silently dropped. Collective. */
PetscErrorCode BenchCheckArrayCount(const char[], PetscInt, PetscInt);
/* Fails when array option opt was given without values (set: what PetscOptions*Array returned, false then): it
   would be taken as not given, its default used or its values left out, silently. Collective. */
PetscErrorCode BenchCheckArrayGiven(const char[], PetscBool);
/* Fails, before any work, when the -results file (results; has: the option was given) has no name, cannot be written
   (SNAPSCheckOutputs) or is one of the n inputs (options inopts[], names ins[]); and when the file of a viewer option
   (-log_view ascii:<file>, ...) is an input or the -results file (SNAPSCheckViewerFiles). Collective. */
PetscErrorCode BenchCheckResults(PetscBool, const char[], PetscInt, const char *const[], const char *const[]);
/* The 1, 5 and 15 minute load averages of this machine (/proc/loadavg; NaN where it cannot be read, written null in a
   report): every benchmark figure depends on the other jobs, so the reports record the load. Not collective. */
PetscErrorCode BenchLoadAverage(PetscReal[3]);
/* Writes load0 (BenchLoadAverage() at the program's start) as "load_average_at_start" and the load now as
   "load_average_at_end" into the report: every benchmark's report says under what load its figures were taken. */
PetscErrorCode BenchReportLoad(SNAPSReport, const PetscReal[3]);
