static const char help[] = "bench_sna: performance benchmark of the KHRONOS separable neural architecture.\n\n"
                           "Measures, with a warm-up and the median of several repetitions:\n"
                           "  eval  (a) scattered evaluation, d = 2, G = 64 nodes, M = 8 modes, degree 2, one core:\n"
                           "            time per sample (target <= 100 ns), against a naive dense evaluation of the\n"
                           "            same model (all G basis functions by Cox-de Boor for every input)\n"
                           "  grid  (b) full-field evaluation on a 512 x 512 tensor grid, M = 4 (target <= 1 ms),\n"
                           "            against SNAEvaluate() of the same 512 x 512 points given as scattered samples\n"
                           "  fit   (c) ALS fit throughput (samples x sweeps per second per rank), fixed number of sweeps;\n"
                           "            run on 1 and 2 ranks and compare the two reports (bench/run.sh does that)\n"
                           "Options:\n"
                           "  -which <eval|grid|fit|all>  what to measure (default all; eval and grid need 1 rank); the options\n"
                           "                              below of a part not measured are refused\n"
                           "  -n_samples <N>              scattered samples for (a) (default 1000000)\n"
                           "  -reps <r>                   repetitions for (a) and (b) (default 21)\n"
                           "  -grid_n <n>                 points per input of the grid (b) (default 512)\n"
                           "  -fit_samples <N>            global training samples for (c) (default 200000)\n"
                           "  -fit_sweeps <s>             ALS sweeps per fit (default 5; atol = rtol = 0)\n"
                           "  -fit_reps <r>               repetitions of (c) (default 5)\n"
                           "  -results <file.json>        JSON report (machine, load, ranks, medians, min, max, targets, ratios)\n";

#include <snaps.h>
#include "benchstats.h"
/* The naive baseline of (a) reads the fitted parameters W, C and the knot vectors directly. */
#include <snaps/private/khronosimpl.h>

#define BENCH_D      2
#define BENCH_G      64
#define BENCH_DEGREE 2

/* Deterministic uniform value in [-1, 1) from a 64-bit key (splitmix64): the same for any rank count. */
static PetscReal HashUniform(uint64_t key)
{
  uint64_t z = key + 0x9E3779B97F4A7C15ULL;
  z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z          = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z          = z ^ (z >> 31);
  return -1.0 + 2.0 * (PetscReal)(z >> 11) * 0x1.0p-53;
}

/* The smooth target function sin(pi x) cos(2 y) + x^2 e^y (separable rank 2), plus, if hard, the
   non-separable term 0.5 sin(4 x y): fitted at rank 8, it keeps ALS improving for the fixed sweeps of (c),
   where the rank-2 function alone reaches its spline-limited error and stagnates after 4 sweeps. */
static PetscReal Target(PetscReal x, PetscReal y, PetscBool hard)
{
  return PetscSinReal(PETSC_PI * x) * PetscCosReal(2.0 * y) + x * x * PetscExpReal(y) + (hard ? 0.5 * PetscSinReal(4.0 * x * y) : 0.0);
}

/* Samples with global indices [start, start + n) of stream `stream`: X (block size 2) and, if Y, targets
   (the hard target for stream 3, the training set of (c)). */
static PetscErrorCode FillSamples(PetscInt start, PetscInt n, uint64_t stream, Vec X, Vec Y)
{
  PetscReal *x, *y = NULL;

  PetscFunctionBegin;
  PetscCall(VecGetArrayWrite(X, &x));
  if (Y) PetscCall(VecGetArrayWrite(Y, &y));
  for (PetscInt i = 0; i < n; i++) {
    const uint64_t g = (uint64_t)(start + i);
    x[2 * i]         = HashUniform((stream << 40) ^ (2 * g));
    x[2 * i + 1]     = HashUniform((stream << 40) ^ (2 * g + 1));
    if (y) y[i] = Target(x[2 * i], x[2 * i + 1], (PetscBool)(stream == 3));
  }
  if (Y) PetscCall(VecRestoreArrayWrite(Y, &y));
  PetscCall(VecRestoreArrayWrite(X, &x));
  PetscFunctionReturn(0);
}

/* Creates sample Vecs of N global samples on comm (PETSc's default split), filled from `stream`. */
static PetscErrorCode CreateSamples(MPI_Comm comm, PetscInt N, uint64_t stream, PetscBool targets, Vec *X, Vec *Y)
{
  PetscInt n = PETSC_DECIDE, start = 0;

  PetscFunctionBegin;
  PetscCall(PetscSplitOwnership(comm, &n, &N));
  PetscCallMPI(MPI_Exscan(&n, &start, 1, MPIU_INT, MPI_SUM, comm));
  {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (!rank) start = 0; /* MPI_Exscan leaves rank 0's result undefined */
  }
  PetscCall(VecCreate(comm, X));
  PetscCall(VecSetSizes(*X, BENCH_D * n, BENCH_D * N));
  PetscCall(VecSetBlockSize(*X, BENCH_D));
  PetscCall(VecSetType(*X, VECSTANDARD));
  if (targets) {
    PetscCall(VecCreate(comm, Y));
    PetscCall(VecSetSizes(*Y, n, N));
    PetscCall(VecSetBlockSize(*Y, 1));
    PetscCall(VecSetType(*Y, VECSTANDARD));
  } else if (Y)
    *Y = NULL;
  PetscCall(FillSamples(start, n, stream, *X, targets ? *Y : NULL));
  PetscFunctionReturn(0);
}

/* A KHRONOS model on [-1, 1]^2 (degree 2, 64 nodes, M modes), fitted by ALS to the target function. */
static PetscErrorCode CreateFittedModel(MPI_Comm comm, PetscInt M, PetscInt ntrain, PetscInt sweeps, SNA *sna, PetscReal *mse)
{
  const PetscReal lower[BENCH_D] = {-1.0, -1.0}, upper[BENCH_D] = {1.0, 1.0};
  Vec             X, Y;

  PetscFunctionBegin;
  PetscCall(SNACreate(comm, sna));
  PetscCall(SNASetType(*sna, SNAKHRONOS));
  PetscCall(SNASetSizes(*sna, BENCH_D, 1));
  PetscCall(SNASetBounds(*sna, lower, upper));
  PetscCall(SNAKhronosSetBasis(*sna, BENCH_DEGREE, BENCH_G, M));
  PetscCall(SNASetFitType(*sna, SNAFITALS));
  PetscCall(SNASetTolerances(*sna, 0.0, 0.0, sweeps));
  PetscCall(CreateSamples(comm, ntrain, 1, PETSC_TRUE, &X, &Y));
  PetscCall(SNAFit(*sna, X, Y));
  PetscCall(SNAComputeMSE(*sna, X, Y, mse));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* Naive dense evaluation of the same KHRONOS model: for every sample and input, all G basis functions by
   the full Cox-de Boor triangle over the whole knot vector, then f_{p,m} = sum over all G of W B_g for
   every mode (no use of the k + 1 local support). This is the textbook formula the library avoids. */
static PetscErrorCode EvaluateNaive(SNA sna, PetscInt n, const PetscReal x[], PetscReal y[])
{
  SNA_Khronos   *kh = (SNA_Khronos *)sna->data;
  const PetscInt d = sna->dim_in, q = sna->dim_out, M = kh->modes, G = kh->nodes[0], k = kh->degree; /* BENCH_G for every input */
  PetscReal     *B, *z, *f;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(kh->basis[0].nknots, &B, M, &z, M, &f));
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt m = 0; m < M; m++) z[m] = 1.0;
    for (PetscInt p = 0; p < d; p++) {
      const SNABSpline *bs = &kh->basis[p];
      const PetscReal  *U  = bs->knots;
      const PetscInt    nk = bs->nknots;
      PetscReal         t  = (x[i * d + p] - sna->lower[p]) / (sna->upper[p] - sna->lower[p]);
      PetscInt          last;

      t = PetscMin(PetscMax(t, bs->a), bs->b);
      for (last = nk - 2; last > 0 && !(U[last] < U[last + 1]); last--) {} /* last nonempty interval */
      for (PetscInt j = 0; j < nk - 1; j++) B[j] = ((U[j] <= t && t < U[j + 1]) || (t >= bs->b && j == last)) ? 1.0 : 0.0;
      for (PetscInt r = 1; r <= k; r++)
        for (PetscInt j = 0; j < nk - 1 - r; j++) {
          const PetscReal dl = U[j + r] - U[j], dr = U[j + r + 1] - U[j + 1];
          B[j] = (dl > 0 ? (t - U[j]) / dl * B[j] : 0.0) + (dr > 0 ? (U[j + r + 1] - t) / dr * B[j + 1] : 0.0);
        }
      for (PetscInt m = 0; m < M; m++) f[m] = 0.0;
      for (PetscInt g = 0; g < G; g++)
        for (PetscInt m = 0; m < M; m++) f[m] += kh->W[(p * G + g) * M + m] * B[g];
      for (PetscInt m = 0; m < M; m++) z[m] *= f[m];
    }
    for (PetscInt j = 0; j < q; j++) {
      PetscReal u = 0;
      for (PetscInt m = 0; m < M; m++) u += kh->C[m * q + j] * z[m];
      y[i * q + j] = u;
    }
  }
  PetscCall(PetscFree3(B, z, f));
  PetscFunctionReturn(0);
}

/* Max |a - b| over two Vecs of the same layout (collective). */
static PetscErrorCode MaxAbsDiff(Vec a, Vec b, PetscReal *diff)
{
  Vec w;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(a, &w));
  PetscCall(VecWAXPY(w, -1.0, b, a));
  PetscCall(VecNorm(w, NORM_INFINITY, diff));
  PetscCall(VecDestroy(&w));
  PetscFunctionReturn(0);
}

/* (a): scattered evaluation, M = 8, time per sample; baseline: naive dense evaluation. */
static PetscErrorCode BenchEval(SNAPSReport report, PetscInt N, PetscInt reps)
{
  const PetscInt   M = 8, target_ns = 100;
  SNA              sna;
  Vec              X, Y, Yn;
  PetscReal        mse, *t, *tb, med, min, max, bmed, bmin, bmax, diff, t0, t1, ynorm;
  const PetscReal *x;
  PetscReal       *yn;

  PetscFunctionBegin;
  PetscCall(CreateFittedModel(PETSC_COMM_SELF, M, 20000, 10, &sna, &mse));
  PetscCall(CreateSamples(PETSC_COMM_SELF, N, 2, PETSC_FALSE, &X, NULL));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, &Y));
  PetscCall(VecDuplicate(Y, &Yn));
  PetscCall(PetscMalloc2(reps, &t, reps, &tb));
  PetscCall(SNAEvaluate(sna, X, Y)); /* warm-up */
  for (PetscInt r = 0; r < reps; r++) {
    PetscCall(PetscTime(&t0));
    PetscCall(SNAEvaluate(sna, X, Y));
    PetscCall(PetscTime(&t1));
    t[r] = (t1 - t0) / (PetscReal)N * 1e9;
  }
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArrayWrite(Yn, &yn));
  PetscCall(EvaluateNaive(sna, N, x, yn)); /* warm-up */
  for (PetscInt r = 0; r < reps; r++) {
    PetscCall(PetscTime(&t0));
    PetscCall(EvaluateNaive(sna, N, x, yn));
    PetscCall(PetscTime(&t1));
    tb[r] = (t1 - t0) / (PetscReal)N * 1e9;
  }
  PetscCall(VecRestoreArrayWrite(Yn, &yn));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(MaxAbsDiff(Y, Yn, &diff));
  PetscCall(VecNorm(Y, NORM_INFINITY, &ynorm));
  PetscCall(BenchStats(reps, t, &med, &min, &max));
  PetscCall(BenchStats(reps, tb, &bmed, &bmin, &bmax));

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "(a) scattered evaluation: d = 2, G = 64, M = %" PetscInt_FMT ", degree 2, %" PetscInt_FMT " samples, %" PetscInt_FMT " reps (model MSE %.2e)\n", M, N, reps, (double)mse));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10s %10s %10s\n", "ns per sample", "median", "min", "max"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10.2f %10.2f %10.2f   target <= %" PetscInt_FMT ": %s\n", "SNAEvaluate", (double)med, (double)min, (double)max, target_ns, med <= target_ns ? "PASS" : "FAIL"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10.2f %10.2f %10.2f\n", "naive dense baseline", (double)bmed, (double)bmin, (double)bmax));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    speed-up over baseline %.1fx, max |difference| %.2e (max |u| %.2e)\n", (double)(bmed / med), (double)diff, (double)ynorm));
  PetscCheck(diff <= 1e-10 * PetscMax(1.0, ynorm), PETSC_COMM_SELF, PETSC_ERR_PLIB, "The naive baseline and SNAEvaluate() disagree by %g: the baseline is not the same function", (double)diff);

  PetscCall(SNAPSReportSetInt(report, "eval_modes", M));
  PetscCall(SNAPSReportSetInt(report, "eval_nodes", BENCH_G));
  PetscCall(SNAPSReportSetInt(report, "eval_degree", BENCH_DEGREE));
  PetscCall(SNAPSReportSetInt(report, "eval_n_samples", N));
  PetscCall(SNAPSReportSetInt(report, "eval_reps", reps));
  PetscCall(SNAPSReportSetReal(report, "eval_model_mse", mse));
  PetscCall(SNAPSReportSetReal(report, "eval_ns_per_sample_median", med));
  PetscCall(SNAPSReportSetReal(report, "eval_ns_per_sample_min", min));
  PetscCall(SNAPSReportSetReal(report, "eval_ns_per_sample_max", max));
  PetscCall(SNAPSReportSetRealArray(report, "eval_ns_per_sample_all", reps, t));
  PetscCall(SNAPSReportSetReal(report, "eval_target_ns_per_sample", target_ns));
  PetscCall(SNAPSReportSetInt(report, "eval_pass", med <= target_ns));
  PetscCall(SNAPSReportSetString(report, "eval_baseline", "naive dense evaluation: all G basis functions by Cox-de Boor, all G coefficients per mode"));
  PetscCall(SNAPSReportSetReal(report, "eval_baseline_ns_per_sample_median", bmed));
  PetscCall(SNAPSReportSetReal(report, "eval_baseline_ns_per_sample_min", bmin));
  PetscCall(SNAPSReportSetReal(report, "eval_baseline_ns_per_sample_max", bmax));
  PetscCall(SNAPSReportSetReal(report, "eval_speedup_vs_baseline", bmed / med));
  PetscCall(SNAPSReportSetReal(report, "eval_max_abs_diff_vs_baseline", diff));
  PetscCall(PetscFree2(t, tb));
  PetscCall(VecDestroy(&Yn));
  PetscCall(VecDestroy(&Y));
  PetscCall(VecDestroy(&X));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* (b): n x n grid, M = 4; baseline: the same points as scattered samples through SNAEvaluate(). */
static PetscErrorCode BenchGrid(SNAPSReport report, PetscInt n, PetscInt reps)
{
  const PetscInt   M = 4, npts[BENCH_D] = {n, n};
  const PetscReal  target_ms = 1.0;
  SNA              sna;
  Vec              X, Yg, Ys;
  PetscReal       *c, *x, *t, *tb, mse, med, min, max, bmed, bmin, bmax, diff, t0, t1;
  const PetscReal *coords[BENCH_D];

  PetscFunctionBegin;
  PetscCheck(n >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-grid_n must be at least 2, not %" PetscInt_FMT, n);
  PetscCall(CreateFittedModel(PETSC_COMM_SELF, M, 20000, 10, &sna, &mse));
  PetscCall(PetscMalloc1(n, &c));
  for (PetscInt i = 0; i < n; i++) c[i] = -1.0 + 2.0 * (PetscReal)i / (PetscReal)(n - 1);
  coords[0] = coords[1] = c;
  PetscCall(SNACreateGridVec(sna, npts, &Yg));
  PetscCall(VecDuplicate(Yg, &Ys));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, BENCH_D * n * n, &X));
  PetscCall(VecSetBlockSize(X, BENCH_D));
  PetscCall(VecGetArrayWrite(X, &x));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) { /* row-major, last input fastest: the grid's order */
      x[2 * (i * n + j)]     = c[i];
      x[2 * (i * n + j) + 1] = c[j];
    }
  PetscCall(VecRestoreArrayWrite(X, &x));
  PetscCall(PetscMalloc2(reps, &t, reps, &tb));
  PetscCall(SNAEvaluateGrid(sna, npts, coords, Yg)); /* warm-up */
  for (PetscInt r = 0; r < reps; r++) {
    PetscCall(PetscTime(&t0));
    PetscCall(SNAEvaluateGrid(sna, npts, coords, Yg));
    PetscCall(PetscTime(&t1));
    t[r] = (t1 - t0) * 1e3;
  }
  PetscCall(SNAEvaluate(sna, X, Ys)); /* warm-up */
  for (PetscInt r = 0; r < reps; r++) {
    PetscCall(PetscTime(&t0));
    PetscCall(SNAEvaluate(sna, X, Ys));
    PetscCall(PetscTime(&t1));
    tb[r] = (t1 - t0) * 1e3;
  }
  PetscCall(MaxAbsDiff(Yg, Ys, &diff));
  PetscCall(BenchStats(reps, t, &med, &min, &max));
  PetscCall(BenchStats(reps, tb, &bmed, &bmin, &bmax));

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "(b) grid evaluation: %" PetscInt_FMT " x %" PetscInt_FMT " tensor grid on [-1,1]^2, G = 64, M = %" PetscInt_FMT ", degree 2, %" PetscInt_FMT " reps (model MSE %.2e)\n", n, n, M, reps, (double)mse));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10s %10s %10s\n", "ms per full field", "median", "min", "max"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10.4f %10.4f %10.4f   target <= %.1f: %s\n", "SNAEvaluateGrid", (double)med, (double)min, (double)max, (double)target_ms, med <= target_ms ? "PASS" : "FAIL"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10.4f %10.4f %10.4f\n", "SNAEvaluate, same points scattered", (double)bmed, (double)bmin, (double)bmax));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    separable grid speed-up %.1fx, max |difference| %.2e\n", (double)(bmed / med), (double)diff));

  PetscCall(SNAPSReportSetInt(report, "grid_modes", M));
  PetscCall(SNAPSReportSetInt(report, "grid_nodes", BENCH_G));
  PetscCall(SNAPSReportSetInt(report, "grid_degree", BENCH_DEGREE));
  PetscCall(SNAPSReportSetInt(report, "grid_points_per_input", n));
  PetscCall(SNAPSReportSetInt(report, "grid_reps", reps));
  PetscCall(SNAPSReportSetReal(report, "grid_model_mse", mse));
  PetscCall(SNAPSReportSetReal(report, "grid_ms_median", med));
  PetscCall(SNAPSReportSetReal(report, "grid_ms_min", min));
  PetscCall(SNAPSReportSetReal(report, "grid_ms_max", max));
  PetscCall(SNAPSReportSetRealArray(report, "grid_ms_all", reps, t));
  PetscCall(SNAPSReportSetReal(report, "grid_target_ms", target_ms));
  PetscCall(SNAPSReportSetInt(report, "grid_pass", med <= target_ms));
  PetscCall(SNAPSReportSetString(report, "grid_baseline", "SNAEvaluate of the same grid points as scattered samples"));
  PetscCall(SNAPSReportSetReal(report, "grid_baseline_ms_median", bmed));
  PetscCall(SNAPSReportSetReal(report, "grid_baseline_ms_min", bmin));
  PetscCall(SNAPSReportSetReal(report, "grid_baseline_ms_max", bmax));
  PetscCall(SNAPSReportSetReal(report, "grid_speedup_vs_scattered", bmed / med));
  PetscCall(SNAPSReportSetReal(report, "grid_max_abs_diff_vs_scattered", diff));
  PetscCall(PetscFree2(t, tb));
  PetscCall(PetscFree(c));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Ys));
  PetscCall(VecDestroy(&Yg));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* (c): ALS fit of N samples (each rank generates its slice), M = 8, fixed sweeps; a fresh model per repetition. */
static PetscErrorCode BenchFit(SNAPSReport report, PetscInt N, PetscInt sweeps, PetscInt reps)
{
  const PetscInt  M              = 8;
  const PetscReal lower[BENCH_D] = {-1.0, -1.0}, upper[BENCH_D] = {1.0, 1.0};
  Vec             X, Y;
  PetscReal      *t, *thr, med, min, max, tmed, tmin, tmax, mse = 0, t0, t1;
  PetscInt        its = 0;
  PetscMPIInt     size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(CreateSamples(PETSC_COMM_WORLD, N, 3, PETSC_TRUE, &X, &Y));
  PetscCall(PetscMalloc2(reps + 1, &t, reps + 1, &thr));
  for (PetscInt r = -1; r < reps; r++) { /* r = -1: warm-up */
    SNA                sna;
    SNAConvergedReason reason;

    PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
    PetscCall(SNASetType(sna, SNAKHRONOS));
    PetscCall(SNASetSizes(sna, BENCH_D, 1));
    PetscCall(SNASetBounds(sna, lower, upper));
    PetscCall(SNAKhronosSetBasis(sna, BENCH_DEGREE, BENCH_G, M));
    PetscCall(SNASetFitType(sna, SNAFITALS));
    PetscCall(SNASetTolerances(sna, 0.0, 0.0, sweeps));
    PetscCall(SNASetUp(sna));
    PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
    PetscCall(PetscTime(&t0));
    PetscCall(SNAFit(sna, X, Y));
    PetscCall(PetscTime(&t1));
    t1 -= t0;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t1, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD)); /* slowest rank */
    PetscCall(SNAGetIterationNumber(sna, &its));
    PetscCall(SNAGetConvergedReason(sna, &reason));
    PetscCheck(its == sweeps, PETSC_COMM_WORLD, PETSC_ERR_NOT_CONVERGED, "The fit stopped after %" PetscInt_FMT " of %" PetscInt_FMT " sweeps (%s): throughput would not be comparable", its, sweeps, SNAConvergedReasons[reason]);
    PetscCall(SNAComputeMSE(sna, X, Y, &mse));
    if (r >= 0) {
      t[r]   = t1;
      thr[r] = (PetscReal)N * (PetscReal)its / (t1 * (PetscReal)size);
    }
    PetscCall(SNADestroy(&sna));
  }
  PetscCall(BenchStats(reps, t, &tmed, &tmin, &tmax));
  PetscCall(BenchStats(reps, thr, &med, &min, &max));

  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "(c) ALS fit: %" PetscInt_FMT " samples, %d ranks, G = 64, M = %" PetscInt_FMT ", degree 2, %" PetscInt_FMT " sweeps, %" PetscInt_FMT " reps (final MSE %.2e)\n", N, size, M, sweeps, reps, (double)mse));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10s %10s %10s\n", "", "median", "min", "max"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10.4f %10.4f %10.4f\n", "fit time (s)", (double)tmed, (double)tmin, (double)tmax));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    %-34s %10.3e %10.3e %10.3e\n", "samples x sweeps / s / rank", (double)med, (double)min, (double)max));

  PetscCall(SNAPSReportSetInt(report, "fit_modes", M));
  PetscCall(SNAPSReportSetInt(report, "fit_nodes", BENCH_G));
  PetscCall(SNAPSReportSetInt(report, "fit_degree", BENCH_DEGREE));
  PetscCall(SNAPSReportSetInt(report, "fit_n_samples", N));
  PetscCall(SNAPSReportSetInt(report, "fit_sweeps", its));
  PetscCall(SNAPSReportSetInt(report, "fit_reps", reps));
  PetscCall(SNAPSReportSetReal(report, "fit_final_mse", mse));
  PetscCall(SNAPSReportSetReal(report, "fit_time_s_median", tmed));
  PetscCall(SNAPSReportSetReal(report, "fit_time_s_min", tmin));
  PetscCall(SNAPSReportSetReal(report, "fit_time_s_max", tmax));
  PetscCall(SNAPSReportSetRealArray(report, "fit_time_s_all", reps, t));
  PetscCall(SNAPSReportSetReal(report, "fit_samples_per_s_per_rank_median", med));
  PetscCall(SNAPSReportSetReal(report, "fit_samples_per_s_per_rank_min", min));
  PetscCall(SNAPSReportSetReal(report, "fit_samples_per_s_per_rank_max", max));
  PetscCall(PetscFree2(t, thr));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char           which[16] = "all", results[PETSC_MAX_PATH_LEN] = "";
  PetscInt       N = 1000000, reps = 21, gridn = 512, fitN = 200000, sweeps = 5, fitreps = 5;
  PetscBool      hasresults, doeval, dogrid, dofit, all, helpflg, set[6];
  PetscMPIInt    size;
  SNAPSReport    report;
  PetscLogDouble wall0, wall1;
  PetscReal      load0[3];

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscTime(&wall0));
  PetscCall(BenchLoadAverage(load0));
  PetscCall(SNAInitializePackage());
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "bench_sna options", "SNA");
  PetscCall(PetscOptionsString("-which", "What to measure: eval, grid, fit or all", NULL, which, which, sizeof(which), NULL));
  PetscCall(PetscOptionsInt("-n_samples", "Scattered samples for the evaluation benchmark (a)", NULL, N, &N, &set[0]));
  PetscCall(PetscOptionsInt("-reps", "Repetitions of (a) and (b)", NULL, reps, &reps, &set[1]));
  PetscCall(PetscOptionsInt("-grid_n", "Grid points per input for (b)", NULL, gridn, &gridn, &set[2]));
  PetscCall(PetscOptionsInt("-fit_samples", "Global training samples for (c)", NULL, fitN, &fitN, &set[3]));
  PetscCall(PetscOptionsInt("-fit_sweeps", "ALS sweeps per fit in (c)", NULL, sweeps, &sweeps, &set[4]));
  PetscCall(PetscOptionsInt("-fit_reps", "Repetitions of (c)", NULL, fitreps, &fitreps, &set[5]));
  PetscCall(PetscOptionsString("-results", "JSON report file", NULL, results, results, sizeof(results), &hasresults));
  PetscOptionsEnd();
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg) { /* the options are printed: measure nothing */
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(PetscStrcmp(which, "all", &all));
  PetscCall(PetscStrcmp(which, "eval", &doeval));
  PetscCall(PetscStrcmp(which, "grid", &dogrid));
  PetscCall(PetscStrcmp(which, "fit", &dofit));
  PetscCheck(all || doeval || dogrid || dofit, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-which must be eval, grid, fit or all, not '%s'", which);
  if (all) doeval = dogrid = dofit = PETSC_TRUE;
  { /* an option of a part that is not run would be read (so not reported unused) and change nothing */
    const char *const name[6] = {"-n_samples", "-reps", "-grid_n", "-fit_samples", "-fit_sweeps", "-fit_reps"};
    const char *const part[6] = {"eval", "eval and grid", "grid", "fit", "fit", "fit"};
    const PetscBool   runs[6] = {doeval, (PetscBool)(doeval || dogrid), dogrid, dofit, dofit, dofit};
    for (PetscInt i = 0; i < 6; i++)
      PetscCheck(!set[i] || runs[i], PETSC_COMM_WORLD, PETSC_ERR_ARG_INCOMP, "%s applies to -which %s (or all), which this run (-which %s) does not measure: remove it", name[i], part[i], which);
  }
  PetscCheck(!(doeval || dogrid) || size == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "The evaluation benchmarks (a) and (b) are single-core figures: run them on 1 rank, or use -which fit on %d ranks", size);
  PetscCheck(N >= 1 && fitN >= size && reps >= 1 && fitreps >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-n_samples, -reps and -fit_reps must be positive and -fit_samples at least the number of ranks");
  PetscCheck(!dofit || sweeps >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-fit_sweeps must be at least 1, not %" PetscInt_FMT, sweeps);
  /* the report's file before any work, not after it */
  PetscCall(BenchCheckResults(hasresults, results, 0, NULL, NULL));
  { /* samples (d inputs, one output, a copy) and the grid (its points and values): refused before they are allocated */
    char what[128];
    PetscCall(PetscSNPrintf(what, sizeof(what), "-n_samples %" PetscInt_FMT " and -fit_samples %" PetscInt_FMT, N, fitN));
    PetscCall(SNAPSCheckMemory(PETSC_COMM_WORLD, 8.0 * (BENCH_D + 2) * ((PetscLogDouble)N + (PetscLogDouble)fitN / size), what));
    PetscCall(PetscSNPrintf(what, sizeof(what), "-grid_n %" PetscInt_FMT, gridn));
    PetscCall(SNAPSCheckMemory(PETSC_COMM_WORLD, 8.0 * (BENCH_D + 1) * (PetscLogDouble)gridn * gridn, what));
    PetscCheck(gridn >= 2, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-grid_n must be at least 2, not %" PetscInt_FMT, gridn);
  }

  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &report));
  PetscCall(SNAPSReportSetString(report, "program", "bench_sna"));
  PetscCall(SNAPSReportSetString(report, "which", which));
  PetscCall(SNAPSReportSetString(report, "statistic", "median over repetitions after one warm-up; min and max also given"));
  if (doeval) PetscCall(BenchEval(report, N, reps));
  if (dogrid) PetscCall(BenchGrid(report, gridn, reps));
  if (dofit) PetscCall(BenchFit(report, fitN, sweeps, fitreps));
  PetscCall(PetscTime(&wall1));
  PetscCall(SNAPSReportSetReal(report, "wall_time_s", (PetscReal)(wall1 - wall0))); /* the whole run (rank 0), warm-ups and set-up included */
  /* the times depend on the other jobs: the load at both ends of the run */
  PetscCall(BenchReportLoad(report, load0));
  if (hasresults) {
    PetscCall(SNAPSReportWrite(report, results));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bench_sna: results written to %s\n", results));
  }
  PetscCall(SNAPSReportDestroy(&report));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
