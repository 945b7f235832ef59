static const char help[] = "bench_aion: infinite descent (AION) against classical optimisers, from the same random starts.\n\n"
                           "Problems (inputs on [0, 1], uniform samples):\n"
                           "  atom_N<N>   one atom A e^{alpha t} cos(omega t + phi), (A, alpha, omega, phi) = (1.5, -1.2, 8, 0.6), noiseless\n"
                           "  atom3_noisy three atoms (1, -0.5, 5, 0.3), (0.7, 0.3, 12, -1), (0.5, -1, 20, 2), N = 1000, Gaussian noise of 1% of the RMS\n"
                           "  grid2       rank-2 2-D target (1.2,-0.7,4,0.2)x(1,0.4,6,-0.5) + (0.8,0.5,9,1.1)x(1,-1,3,0.7) on a 64 x 64 grid, noiseless\n"
                           "  atom_scattered  the one atom at 1000 seeded random points: no algebraic path, infinite descent is root finding\n"
                           "              from the start alone (not one of the issue's problems; its targets are reported, not required)\n"
                           "Starts: near = every parameter within 15% of the truth; wide = A within 50%, alpha within +-1, omega within 50%,\n"
                           "  phi anywhere in (-pi, pi]; -starts of each (uniform, seeded by the problem: the same starts for every method\n"
                           "  and in every run of the problem, e.g. -sizes 1000 alone).\n"
                           "Methods: infinite_descent (AION's fit), variable_projection (bench/aion_vp.c), and through SNAFit with TAO:\n"
                           "  steepest_descent (bncg, -tao_bncg_type gd), newton_cg (nls, exact Hessian, Steihaug CG without preconditioner),\n"
                           "  lbfgs (lmvm), levenberg_marquardt\n"
                           "  (brgn, -tao_brgn_regularization_type lm). Each SNAFit method has an options prefix (id_, sd_, ncg_, lbfgs_, lm_),\n"
                           "  e.g. -lbfgs_sna_fit_tao_gatol 1e-10; VP takes none (-vp_* is refused). Gradient tolerance 1e-12 on the loss\n"
                           "  (1/2N) sum r^2 for VP and TAO (the TAO methods get -sna_fit_rtol 0: the class's loss tolerance would stop them first). Every method fits each problem's first start once untimed first (a warm-up).\n"
                           "Success: noiseless, MSE <= 1e-20 and every parameter (canonical form) within 1e-8 relative of the truth;\n"
                           "  noisy, MSE within 1e-8 relative of the best MSE any method reached.\n"
                           "Options:\n"
                           "  -sizes 100,1000,10000   N of the one-atom problems\n"
                           "  -problems atom,atom3_noisy,grid2,atom_scattered\n"
                           "  -starts <n>             starts per box (default 100)\n"
                           "  -max_it <n>             iteration cap of VP and the TAO methods (default 500); -sd_max_it (default 2000)\n"
                           "  -path_problem <name>    problem whose first near and wide start record every method's path (default atom_N1000, where it runs)\n"
                           "  -results <file.json>    everything: per-start records, medians, success rates, targets, paths, machine, load\n";

#include <snaps.h>
#include "aion_vp.h"
#include "benchstats.h"

enum {
  M_ID,
  M_VP,
  M_SD,
  M_NCG,
  M_LBFGS,
  M_LM,
  NMETHODS
};
static const char *const MethodName[NMETHODS]   = {"infinite_descent", "variable_projection", "steepest_descent", "newton_cg", "lbfgs", "levenberg_marquardt"};
static const char *const MethodPrefix[NMETHODS] = {"id_", "vp_", "sd_", "ncg_", "lbfgs_", "lm_"};
static const char *const BoxName[2]             = {"near", "wide"};

#define MAXP     16
#define MAXSIZES 8 /* -sizes values */
#define MAXLIST  8 /* -problems values */

typedef struct {
  char      name[32];
  PetscInt  d, r, P;
  PetscInt  n;         /* samples per input */
  PetscReal noise;     /* Gaussian, relative to the RMS of the signal */
  PetscBool scattered; /* 1-D samples at seeded random points instead of uniform ones (no algebraic path) */
  PetscInt  seed;      /* its starts' seed number: see StartSeed() */
  PetscReal truth[MAXP];
  Vec       X, Y;
} Problem;

typedef struct {
  PetscReal mse, perr, time;
  PetscInt  outer, inner, nf, ng, nh;
  PetscBool success;
} RunRecord;

typedef struct {
  PetscInt   n, cap;
  PetscReal *theta;
} Path;

/* --------------------------------------------------------------------------------------------------- */

/* Problem data: uniform (or seeded random) samples (1-D) or a row-major n x n grid (2-D), plus seeded noise. */
static PetscErrorCode MakeData(Problem *pb)
{
  const PetscInt d = pb->d, N = d == 1 ? pb->n : pb->n * pb->n;
  PetscReal     *x, *y, rms = 0;
  PetscRandom    rnd;
  SNA            sna;

  PetscFunctionBegin;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, d * N, &pb->X));
  PetscCall(VecSetBlockSize(pb->X, d));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, &pb->Y));
  PetscCall(VecGetArray(pb->X, &x));
  if (pb->scattered) {
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
    PetscCall(PetscRandomSetSeed(rnd, 977));
    PetscCall(PetscRandomSeed(rnd));
  }
  for (PetscInt i = 0; i < N; i++) {
    if (pb->scattered)
      PetscCall(PetscRandomGetValueReal(rnd, &x[i]));
    else if (d == 1)
      x[i] = (PetscReal)i / (N - 1);
    else {
      x[2 * i]     = (PetscReal)(i / pb->n) / (pb->n - 1);
      x[2 * i + 1] = (PetscReal)(i % pb->n) / (pb->n - 1);
    }
  }
  PetscCall(VecRestoreArray(pb->X, &x));
  if (pb->scattered) PetscCall(PetscRandomDestroy(&rnd));
  /* the truth is an AION model: evaluate it with the library */
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetType(sna, SNAAION));
  PetscCall(SNASetSizes(sna, d, 1));
  {
    const PetscReal lo[2] = {0, 0}, hi[2] = {1, 1};
    PetscCall(SNASetBounds(sna, lo, hi));
  }
  PetscCall(SNAAionSetAtoms(sna, pb->r, pb->P));
  PetscCall(SNASetParameters(sna, pb->truth));
  PetscCall(SNAEvaluate(sna, pb->X, pb->Y));
  PetscCall(SNADestroy(&sna));
  if (pb->noise > 0) {
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
    PetscCall(PetscRandomSetSeed(rnd, 20240611));
    PetscCall(PetscRandomSeed(rnd));
    PetscCall(VecGetArray(pb->Y, &y));
    for (PetscInt i = 0; i < N; i++) rms += y[i] * y[i] / N;
    for (PetscInt i = 0; i < N; i++) {
      PetscReal u1, u2;
      PetscCall(PetscRandomGetValueReal(rnd, &u1));
      PetscCall(PetscRandomGetValueReal(rnd, &u2));
      y[i] += pb->noise * PetscSqrtReal(rms) * PetscSqrtReal(-2 * PetscLogReal(1 - u1)) * PetscCosReal(2 * PETSC_PI * u2);
    }
    PetscCall(VecRestoreArray(pb->Y, &y));
    PetscCall(PetscRandomDestroy(&rnd));
  }
  PetscFunctionReturn(0);
}

/* The seed number of a problem's starts, from its name alone, so that a run of some problems (-sizes 1000) gives each
   the starts it has in any other run: the problems of the default run keep the numbers they had when it was seeded by
   position (0 to 5: the committed bench/results/aion.json), other one-atom sizes N get 6 + N. */
static PetscErrorCode StartSeed(const char name[], PetscInt n, PetscInt *seed)
{
  const char *const defaults[] = {"atom_N100", "atom_N1000", "atom_N10000", "atom3_noisy", "grid2", "atom_scattered"};

  PetscFunctionBegin;
  *seed = 6 + n;
  for (PetscInt i = 0; i < (PetscInt)PETSC_STATIC_ARRAY_LENGTH(defaults); i++) {
    PetscBool match;

    PetscCall(PetscStrcmp(name, defaults[i], &match));
    if (match) *seed = i;
  }
  PetscFunctionReturn(0);
}

/* Appends a problem (d inputs, rank r, P terms, n samples per input, relative noise, scattered, truth). */
static PetscErrorCode AddProblem(Problem prob[], PetscInt *nprob, const char name[], PetscInt d, PetscInt r, PetscInt P, PetscInt n, PetscReal noise, PetscBool scattered, const PetscReal truth[])
{
  Problem *pb = &prob[(*nprob)++];

  PetscFunctionBegin;
  PetscCall(PetscMemzero(pb, sizeof(Problem)));
  PetscCall(PetscStrncpy(pb->name, name, sizeof(pb->name)));
  pb->d         = d;
  pb->r         = r;
  pb->P         = P;
  pb->n         = n;
  pb->noise     = noise;
  pb->scattered = scattered;
  PetscCall(StartSeed(name, n, &pb->seed));
  PetscCall(PetscArraycpy(pb->truth, truth, 4 * d * r * P));
  PetscFunctionReturn(0);
}

/* Start `index` of box 0 (near) or 1 (wide) of a problem: seeded (its seed number), the same for every method. */
static PetscErrorCode MakeStart(const Problem *pb, PetscInt box, PetscInt index, PetscReal th[])
{
  const PetscInt np = 4 * pb->d * pb->r * pb->P;
  PetscRandom    rnd;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRANDER48));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)(100003 * pb->seed + 7919 * box + 31 * index + 1)));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt j = 0; j < np; j++) {
    const PetscReal t = pb->truth[j];
    PetscReal       u;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    if (box == 0)
      th[j] = t * (1 + 0.15 * u);
    else
      switch (j % 4) {
      case 0:
        th[j] = t * (1 + 0.5 * u);
        break;
      case 1:
        th[j] = t + u;
        break;
      case 2:
        th[j] = t * (1 + 0.5 * u);
        break;
      default:
        th[j] = PETSC_PI * u;
      }
  }
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* Canonical form of a model's parameters, comparable across methods and with the truth: every term with
   omega >= 0 and A >= 0 (cos(w t + phi) = cos(-w t - phi) = -cos(w t + phi + pi)), phases in (-pi, pi];
   the factors of inputs 1..d-1 scaled to unit amplitude norm and given a sign (the scale and sign go to
   input 0: the products are what the model determines); terms sorted by omega in each factor, ranks by
   input 0's first omega. */
static void Canonical(const Problem *pb, const PetscReal in[], PetscReal out[])
{
  const PetscInt d = pb->d, r = pb->r, P = pb->P, F = 4 * P;
  PetscReal      th[MAXP];

  for (PetscInt j = 0; j < 4 * d * r * P; j++) th[j] = in[j];
  for (PetscInt j = 0; j < d * r * P; j++) {
    PetscReal *t = th + 4 * j;
    if (t[2] < 0) {
      t[2] = -t[2];
      t[3] = -t[3];
    }
    if (t[0] < 0) {
      t[0] = -t[0];
      t[3] += PETSC_PI;
    }
    t[3] = PetscAtan2Real(PetscSinReal(t[3]), PetscCosReal(t[3]));
  }
  for (PetscInt p = 1; p < d; p++)
    for (PetscInt m = 0; m < r; m++) {
      PetscReal *f = th + F * (p * r + m), *f0 = th + F * m, s = 0;
      for (PetscInt k = 0; k < P; k++) s += f[4 * k] * f[4 * k];
      s = PetscSqrtReal(s);
      for (PetscInt k = 0; s > 0 && k < P; k++) {
        f[4 * k] /= s;
        f0[4 * k] *= s;
      }
    }
  for (PetscInt f = 0; f < d * r; f++) /* sort the terms of each factor by omega */
    for (PetscInt a = 0; a < P; a++)
      for (PetscInt b = a + 1; b < P; b++)
        if (th[F * f + 4 * b + 2] < th[F * f + 4 * a + 2])
          for (PetscInt c = 0; c < 4; c++) {
            PetscReal s           = th[F * f + 4 * a + c];
            th[F * f + 4 * a + c] = th[F * f + 4 * b + c];
            th[F * f + 4 * b + c] = s;
          }
  /* a factor's sign is free too (-psi_0)(-psi_1) = psi_0 psi_1: the first term of every factor of inputs
     1..d-1 gets cos(phi) >= 0, by adding pi to all its phases and to those of input 0's factor */
  for (PetscInt p = 1; p < d; p++)
    for (PetscInt m = 0; m < r; m++)
      if (PetscCosReal(th[F * (p * r + m) + 3]) < 0)
        for (PetscInt k = 0; k < P; k++) {
          th[F * (p * r + m) + 4 * k + 3] += PETSC_PI;
          th[F * m + 4 * k + 3] += PETSC_PI;
        }
  for (PetscInt j = 0; j < d * r * P; j++) th[4 * j + 3] = PetscAtan2Real(PetscSinReal(th[4 * j + 3]), PetscCosReal(th[4 * j + 3]));
  /* ranks in order of input 0's first frequency */
  {
    PetscInt order[MAXP];
    for (PetscInt m = 0; m < r; m++) order[m] = m;
    for (PetscInt a = 0; a < r; a++)
      for (PetscInt b = a + 1; b < r; b++)
        if (th[F * order[b] + 2] < th[F * order[a] + 2]) {
          PetscInt t = order[a];
          order[a]   = order[b];
          order[b]   = t;
        }
    for (PetscInt slot = 0; slot < r; slot++)
      for (PetscInt p = 0; p < d; p++)
        for (PetscInt j = 0; j < F; j++) out[F * (p * r + slot) + j] = th[F * (p * r + order[slot]) + j];
  }
}

/* Largest relative parameter error (canonical forms; phase differences wrapped). */
static PetscReal ParameterError(const Problem *pb, const PetscReal th[])
{
  const PetscInt np = 4 * pb->d * pb->r * pb->P;
  PetscReal      a[MAXP], b[MAXP], worst = 0;

  Canonical(pb, th, a);
  Canonical(pb, pb->truth, b);
  for (PetscInt j = 0; j < np; j++) {
    PetscReal diff = a[j] - b[j];
    if (j % 4 == 3) diff = PetscAtan2Real(PetscSinReal(diff), PetscCosReal(diff));
    worst = PetscMax(worst, PetscAbsReal(diff) / PetscAbsReal(b[j]));
  }
  return worst;
}

/* Monitor that records the model's parameters after every iteration. */
static PetscErrorCode RecordPath(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  Path    *path = (Path *)ctx;
  PetscInt np;

  PetscFunctionBegin;
  (void)it;
  (void)mse;
  PetscCall(SNAGetNumParameters(sna, &np));
  if (path->n == path->cap) {
    PetscReal *more;
    path->cap = 2 * path->cap + 16;
    PetscCall(PetscMalloc1(path->cap * np, &more));
    if (path->n) PetscCall(PetscArraycpy(more, path->theta, path->n * np));
    PetscCall(PetscFree(path->theta));
    path->theta = more;
  }
  PetscCall(SNAGetParameters(sna, path->theta + path->n * np));
  path->n++;
  PetscFunctionReturn(0);
}

/* Sets an option unless the user already gave it. */
static PetscErrorCode DefaultOption(const char prefix[], const char name[], const char value[])
{
  char      opt[256];
  PetscBool set;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s%s", prefix, name));
  PetscCall(PetscOptionsHasName(NULL, NULL, opt, &set));
  if (!set) PetscCall(PetscOptionsSetValue(NULL, opt, value));
  PetscFunctionReturn(0);
}

/* Method defaults: TAO type and tolerances under each method's prefix. */
static PetscErrorCode SetMethodOptions(PetscInt max_it, PetscInt sd_max_it)
{
  const char *tao[NMETHODS] = {NULL, NULL, "bncg", "nls", "lmvm", "brgn"};
  char        its[32];

  PetscFunctionBegin;
  for (PetscInt m = M_SD; m < NMETHODS; m++) {
    PetscCall(DefaultOption(MethodPrefix[m], "sna_fit_type", "tao"));
    PetscCall(DefaultOption(MethodPrefix[m], "sna_fit_tao_type", tao[m]));
    PetscCall(DefaultOption(MethodPrefix[m], "sna_fit_tao_gatol", "1e-12"));
    /* the class's own stop (-sna_fit_rtol 1e-10 of the targets' variance) would end a TAO fit long before the
       gradient tolerance, at MSE 1e-9 to 1e-13, where no start can pass the success test (MSE <= 1e-20) */
    PetscCall(DefaultOption(MethodPrefix[m], "sna_fit_rtol", "0"));
    PetscCall(PetscSNPrintf(its, sizeof(its), "%" PetscInt_FMT, m == M_SD ? sd_max_it : max_it));
    PetscCall(DefaultOption(MethodPrefix[m], "sna_fit_max_it", its));
  }
  PetscCall(DefaultOption(MethodPrefix[M_SD], "sna_fit_tao_bncg_type", "gd"));
  PetscCall(DefaultOption(MethodPrefix[M_LM], "sna_fit_tao_brgn_regularization_type", "lm"));
  /* Newton-CG: truncated (Steihaug) CG on the exact Newton system without preconditioner, as in the
     classical method; TAO's default ILU breaks down on the singular Hessian of the 2-D gauge */
  PetscCall(DefaultOption(MethodPrefix[M_NCG], "sna_fit_tao_nls_pc_type", "none"));
  PetscCall(DefaultOption(MethodPrefix[M_ID], "sna_fit_type", "infinite_descent"));
  PetscCall(DefaultOption(MethodPrefix[M_ID], "sna_fit_rtol", "1e-12"));
  PetscFunctionReturn(0);
}

/* One fit of problem pb by method m from theta0. */
static PetscErrorCode RunMethod(Problem *pb, PetscInt m, const PetscReal theta0[], PetscInt max_it, RunRecord *rec, Path *path)
{
  const PetscReal  lo[2] = {0, 0}, hi[2] = {1, 1};
  SNA              sna;
  PetscReal        t0, t1, th[MAXP];
  SNAFitStatistics st;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetOptionsPrefix(sna, MethodPrefix[m]));
  PetscCall(SNASetType(sna, SNAAION));
  PetscCall(SNASetSizes(sna, pb->d, 1));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNAAionSetAtoms(sna, pb->r, pb->P));
  PetscCall(SNASetRegularization(sna, 0.0));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNASetParameters(sna, theta0));
  if (path) {
    PetscCall(RecordPath(sna, 0, 0, path));
    PetscCall(SNAMonitorSet(sna, RecordPath, path, NULL));
  }
  PetscCall(PetscMemzero(rec, sizeof(*rec)));
  if (m == M_VP) {
    AionVPOptions opt = {max_it, 1e-12, path ? RecordPath : NULL, path};
    AionVPResult  res;
    PetscCall(PetscTime(&t0));
    PetscCall(AionVPFit(sna, pb->X, pb->Y, &opt, &res));
    PetscCall(PetscTime(&t1));
    rec->outer = res.iterations;
    rec->inner = res.trials;
    rec->nf    = res.nfunc;
    rec->ng    = res.njac;
  } else {
    PetscCall(PetscTime(&t0));
    PetscCall(SNAFit(sna, pb->X, pb->Y));
    PetscCall(PetscTime(&t1));
    PetscCall(SNAGetFitStatistics(sna, &st));
    rec->outer = st.outer;
    rec->inner = st.inner;
    rec->nf    = st.function;
    rec->ng    = st.gradient;
    rec->nh    = st.hessian;
  }
  rec->time = t1 - t0;
  PetscCall(SNAComputeMSE(sna, pb->X, pb->Y, &rec->mse));
  PetscCall(SNAGetParameters(sna, th));
  rec->perr = ParameterError(pb, th);
  if (PetscIsInfOrNanReal(rec->mse)) rec->mse = PETSC_MAX_REAL;
  if (PetscIsInfOrNanReal(rec->perr)) rec->perr = PETSC_MAX_REAL;
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Per (problem, box, method): success rate, medians over all starts (and time over successes), into the
   report and a table row. Returns the medians needed by the targets. */
static PetscErrorCode Summarise(SNAPSReport rep, const Problem *pb, PetscInt box, PetscInt m, PetscInt ns, const RunRecord rec[], PetscReal *rate, PetscReal *med_outer, PetscReal *med_inner, PetscReal *med_time)
{
  PetscReal  *v, *vs;
  PetscInt    nsucc = 0;
  char        key[128];
  const char *fields[] = {"mse", "param_error", "time_s", "outer_iterations", "inner_iterations", "function_evaluations", "gradient_evaluations", "hessian_evaluations"};
  PetscReal   med[8], m_s;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(ns, &v, ns, &vs));
  for (PetscInt f = 0; f < 8; f++) {
    for (PetscInt s = 0; s < ns; s++) {
      const RunRecord *r = rec + s;
      v[s]               = f == 0 ? r->mse : f == 1 ? r->perr
                                         : f == 2   ? r->time
                                                    : (PetscReal)(f == 3 ? r->outer : f == 4 ? r->inner
                                                                                  : f == 5   ? r->nf
                                                                                  : f == 6   ? r->ng
                                                                                             : r->nh);
    }
    PetscCall(BenchMedian(ns, v, &med[f]));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s.%s.%s.%s_all", pb->name, BoxName[box], MethodName[m], fields[f]));
    PetscCall(SNAPSReportSetRealArray(rep, key, ns, v));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s.%s.%s.%s_median", pb->name, BoxName[box], MethodName[m], fields[f]));
    PetscCall(SNAPSReportSetReal(rep, key, med[f]));
  }
  for (PetscInt s = 0; s < ns; s++)
    if (rec[s].success) vs[nsucc++] = rec[s].time;
  *rate      = (PetscReal)nsucc / ns;
  *med_outer = med[3];
  *med_inner = med[4];
  *med_time  = med[2];
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s.%s.%s.success_rate", pb->name, BoxName[box], MethodName[m]));
  PetscCall(SNAPSReportSetReal(rep, key, *rate));
  PetscCall(BenchMedian(nsucc, vs, &m_s));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s.%s.%s.time_s_median_successful", pb->name, BoxName[box], MethodName[m]));
  PetscCall(SNAPSReportSetReal(rep, key, m_s));
  nsucc = 0;
  for (PetscInt s = 0; s < ns; s++)
    if (rec[s].success) vs[nsucc++] = (PetscReal)rec[s].outer;
  PetscCall(BenchMedian(nsucc, vs, &m_s));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s.%s.%s.outer_iterations_median_successful", pb->name, BoxName[box], MethodName[m]));
  PetscCall(SNAPSReportSetReal(rep, key, m_s));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %-12s %-5s %-20s %6.0f%% %8.0f %8.0f %8.0f %8.0f %8.0f %11.3e %10.2e\n", pb->name, BoxName[box], MethodName[m], (double)(100 * *rate), (double)med[3], (double)med[4], (double)med[5], (double)med[6], (double)med[7], (double)med[2], (double)med[0]));
  PetscCall(PetscFree2(v, vs));
  PetscFunctionReturn(0);
}

/* Whether the path problem is one of the problems run (*ran). A -path_problem given must be: otherwise no path would be
   recorded, silently; the default (atom_N1000) may be left out by -sizes or -problems, and then no path is recorded. */
static PetscErrorCode CheckPathProblem(const Problem prob[], PetscInt nprob, const char path_problem[], PetscBool given, PetscBool *ran)
{
  char names[512] = "";

  PetscFunctionBegin;
  *ran = PETSC_FALSE;
  for (PetscInt i = 0; i < nprob; i++) {
    PetscBool match;

    PetscCall(PetscStrcmp(prob[i].name, path_problem, &match));
    *ran = (PetscBool)(*ran || match);
    PetscCall(PetscStrlcat(names, i ? ", " : "", sizeof(names)));
    PetscCall(PetscStrlcat(names, prob[i].name, sizeof(names)));
  }
  PetscCheck(*ran || !given, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-path_problem %s is not one of the problems of this run (%s): name one of them, or select it with -sizes and -problems", path_problem, names);
  PetscFunctionReturn(0);
}

/* Variable projection (aion_vp.c) is not an SNAFit: it takes -max_it and its fixed gradient tolerance only. Its
   model is set up under the prefix vp_ like the others', so SNASetFromOptions would mark a -vp_sna_fit_max_it as
   used while the fit ignores it: any option under vp_ is refused instead. Call before any model reads options. */
static PetscErrorCode RefuseVPOptions(void)
{
  PetscInt nleft;
  char   **names, **values, head[4], bad[256] = "";

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &nleft, &names, &values));
  for (PetscInt i = 0; i < nleft && !bad[0]; i++) {
    PetscBool vp;
    PetscCall(PetscStrncpy(head, names[i], sizeof(head)));
    PetscCall(PetscStrtolower(head)); /* PETSc matches option names in any case */
    PetscCall(PetscStrcmp(head, "vp_", &vp));
    if (vp) PetscCall(PetscStrncpy(bad, names[i], sizeof(bad)));
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &nleft, &names, &values));
  PetscCheck(!bad[0], PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "-%s: variable projection (bench/aion_vp.c) takes no options of its own: its iteration cap is -max_it and its gradient tolerance 1e-12; remove the option", bad);
  PetscFunctionReturn(0);
}

/* -sizes makes the one-atom problems: given with -problems that leaves them out it was read (so not reported unused)
   and changed nothing, and a size given twice ran its problem twice into the one report's keys. */
static PetscErrorCode CheckSizes(PetscBool has_sizes, PetscBool want_atom, PetscInt nsizes, const PetscInt sizes[])
{
  PetscFunctionBegin;
  PetscCheck(!has_sizes || want_atom, PETSC_COMM_WORLD, PETSC_ERR_ARG_INCOMP, "-sizes sets the samples of the one-atom problems, which -problems does not select: add atom to -problems, or remove -sizes");
  for (PetscInt i = 0; i < nsizes; i++)
    for (PetscInt j = 0; j < i; j++) PetscCheck(sizes[i] != sizes[j], PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "-sizes gives %" PetscInt_FMT " twice: its problem would run twice into the one report; give each size once", sizes[i]);
  PetscFunctionReturn(0);
}

/* The program's options, read once by BenchOptionsRead() (the methods' own, under their prefixes, by their fits) */
typedef struct {
  PetscInt  sizes[MAXSIZES + 1], nsizes, starts, max_it, sd_max_it; /* + 1: an extra value is seen */
  char      results[PETSC_MAX_PATH_LEN], path_problem[32];
  PetscBool want_atom, want_atom3, want_grid, want_scattered; /* the problems -problems selects */
  PetscBool has_sizes, has_path, has_results;
} BenchOptions;

/* -problems: the problems named (each freed here); an unknown name is refused */
static PetscErrorCode ReadProblemList(BenchOptions *o, PetscInt nlist, char *list[])
{
  PetscFunctionBegin;
  o->want_atom = o->want_atom3 = o->want_grid = o->want_scattered = PETSC_FALSE;
  for (PetscInt i = 0; i < nlist; i++) {
    PetscBool a, b, c, e;
    PetscCall(PetscStrcmp(list[i], "atom", &a));
    PetscCall(PetscStrcmp(list[i], "atom3_noisy", &b));
    PetscCall(PetscStrcmp(list[i], "grid2", &c));
    PetscCall(PetscStrcmp(list[i], "atom_scattered", &e));
    PetscCheck(a || b || c || e, PETSC_COMM_WORLD, PETSC_ERR_ARG_UNKNOWN_TYPE, "Unknown problem '%s' in -problems (atom, atom3_noisy, grid2, atom_scattered)", list[i]);
    o->want_atom      = (PetscBool)(o->want_atom || a);
    o->want_atom3     = (PetscBool)(o->want_atom3 || b);
    o->want_grid      = (PetscBool)(o->want_grid || c);
    o->want_scattered = (PetscBool)(o->want_scattered || e);
    PetscCall(PetscFree(list[i]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode BenchOptionsRead(BenchOptions *o)
{
  PetscInt  nlist = MAXLIST + 1; /* + 1: an extra value is seen */
  char     *list[MAXLIST + 1];
  PetscBool has_list;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  o->sizes[0]  = 100;
  o->sizes[1]  = 1000;
  o->sizes[2]  = 10000;
  o->nsizes    = MAXSIZES + 1;
  o->starts    = 100;
  o->max_it    = 500;
  o->sd_max_it = 2000;
  PetscCall(PetscStrncpy(o->path_problem, "atom_N1000", sizeof(o->path_problem)));
  o->want_atom = o->want_atom3 = o->want_grid = o->want_scattered = PETSC_TRUE;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "bench_aion options", NULL);
  PetscCall(PetscOptionsIntArray("-sizes", "Samples of the one-atom problems", NULL, o->sizes, &o->nsizes, &o->has_sizes));
  PetscCall(PetscOptionsStringArray("-problems", "Problems: atom, atom3_noisy, grid2, atom_scattered", NULL, list, &nlist, &has_list));
  PetscCall(PetscOptionsInt("-starts", "Random starts per box", NULL, o->starts, &o->starts, NULL));
  PetscCall(PetscOptionsInt("-max_it", "Iteration cap of VP and the TAO methods", NULL, o->max_it, &o->max_it, NULL));
  PetscCall(PetscOptionsInt("-sd_max_it", "Iteration cap of steepest descent", NULL, o->sd_max_it, &o->sd_max_it, NULL));
  PetscCall(PetscOptionsString("-path_problem", "Problem whose first starts record the paths", NULL, o->path_problem, o->path_problem, sizeof(o->path_problem), &o->has_path));
  PetscCall(PetscOptionsString("-results", "JSON report", NULL, o->results, o->results, sizeof(o->results), &o->has_results));
  PetscOptionsEnd();
  PetscCall(BenchCheckArrayGiven("-sizes", o->has_sizes));
  PetscCall(BenchCheckArrayGiven("-problems", has_list));
  if (!o->has_sizes) o->nsizes = 3;
  PetscCall(BenchCheckArrayCount("-sizes", o->nsizes, MAXSIZES));
  PetscCall(BenchCheckArrayCount("-problems", has_list ? nlist : 0, MAXLIST));
  if (has_list) PetscCall(ReadProblemList(o, nlist, list));
  PetscFunctionReturn(0);
}

/* The checks before any work (a -help run makes none of them) */
static PetscErrorCode CheckBenchOptions(const BenchOptions *o)
{
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCall(CheckSizes(o->has_sizes, o->want_atom, o->nsizes, o->sizes));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  /* every rank would run every problem: the tables twice, and single-core timings reported as "ranks": 2 */
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "bench_aion is a single-core benchmark (every rank would run every problem): run it on 1 rank, not %d", size);
  PetscCheck(o->starts >= 1 && o->max_it >= 1 && o->sd_max_it >= 1, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-starts, -max_it and -sd_max_it must be positive");
  PetscCall(RefuseVPOptions());
  PetscCall(BenchCheckResults(o->has_results, o->results, 0, NULL, NULL)); /* before any work, not after it */
  PetscFunctionReturn(0);
}

/* The problems selected, in their order: the one-atom sizes, atom3_noisy, grid2, atom_scattered; a -path_problem
   given must be one of them */
static PetscErrorCode MakeProblems(const BenchOptions *o, Problem prob[], PetscInt *nprob, PetscBool *path_ran)
{
  PetscFunctionBegin;
  *nprob = 0;
  for (PetscInt i = 0; o->want_atom && i < o->nsizes; i++) {
    const PetscReal t[4] = {1.5, -1.2, 8.0, 0.6};
    char            name[32];
    PetscCheck(o->sizes[i] >= 10, PETSC_COMM_WORLD, PETSC_ERR_ARG_OUTOFRANGE, "-sizes: at least 10 samples, not %" PetscInt_FMT, o->sizes[i]);
    PetscCall(PetscSNPrintf(name, sizeof(name), "atom_N%" PetscInt_FMT, o->sizes[i]));
    PetscCall(AddProblem(prob, nprob, name, 1, 1, 1, o->sizes[i], 0.0, PETSC_FALSE, t));
  }
  if (o->want_atom3) {
    const PetscReal t[12] = {1.0, -0.5, 5.0, 0.3, 0.7, 0.3, 12.0, -1.0, 0.5, -1.0, 20.0, 2.0};
    PetscCall(AddProblem(prob, nprob, "atom3_noisy", 1, 1, 3, 1000, 0.01, PETSC_FALSE, t));
  }
  if (o->want_grid) { /* layout [input][rank][A alpha omega phi] */
    const PetscReal t[16] = {1.2, -0.7, 4.0, 0.2, 0.8, 0.5, 9.0, 1.1, 1.0, 0.4, 6.0, -0.5, 1.0, -1.0, 3.0, 0.7};
    PetscCall(AddProblem(prob, nprob, "grid2", 2, 2, 1, 64, 0.0, PETSC_FALSE, t));
  }
  if (o->want_scattered) { /* not one of the problems: infinite descent without its algebraic part */
    const PetscReal t[4] = {1.5, -1.2, 8.0, 0.6};
    PetscCall(AddProblem(prob, nprob, "atom_scattered", 1, 1, 1, 1000, 0.0, PETSC_TRUE, t));
  }
  PetscCall(CheckPathProblem(prob, *nprob, o->path_problem, o->has_path, path_ran));
  PetscFunctionReturn(0);
}

/* The report's description of a problem: its truth, samples, noise and sampling */
static PetscErrorCode ReportProblem(SNAPSReport rep, const Problem *pb, PetscInt np)
{
  char key[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s.truth", pb->name));
  PetscCall(SNAPSReportSetRealArray(rep, key, np, pb->truth));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s.samples_per_input", pb->name));
  PetscCall(SNAPSReportSetInt(rep, key, pb->n));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s.noise", pb->name));
  PetscCall(SNAPSReportSetReal(rep, key, pb->noise));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s.scattered", pb->name));
  PetscCall(SNAPSReportSetInt(rep, key, pb->scattered));
  PetscFunctionReturn(0);
}

/* Every method from every start of both boxes, into rec[(box * NMETHODS + m) * starts + s]; the first starts' paths
   into the report when record_paths; *best: lowered to the lowest MSE any fit reached. A warm-up first: one untimed fit per
   method, so that no timing pays for first calls (code and data brought into the caches, TAO's registration), which
   with few -starts decided the time target */
static PetscErrorCode RunStarts(const BenchOptions *o, Problem *pb, PetscInt np, PetscBool record_paths, SNAPSReport rep, RunRecord rec[], PetscReal *best)
{
  const PetscInt starts = o->starts;
  char           key[128];

  PetscFunctionBegin;
  {
    PetscReal th0[MAXP];
    RunRecord discard;
    PetscCall(MakeStart(pb, 0, 0, th0));
    for (PetscInt m = 0; m < NMETHODS; m++) PetscCall(RunMethod(pb, m, th0, o->max_it, &discard, NULL));
  }
  for (PetscInt box = 0; box < 2; box++)
    for (PetscInt s = 0; s < starts; s++) {
      PetscReal th0[MAXP];
      PetscCall(MakeStart(pb, box, s, th0));
      if (s == 0 && record_paths) {
        PetscCall(PetscSNPrintf(key, sizeof(key), "paths.%s.start", BoxName[box]));
        PetscCall(SNAPSReportSetRealArray(rep, key, np, th0));
      }
      for (PetscInt m = 0; m < NMETHODS; m++) {
        Path path = {0};
        PetscCall(RunMethod(pb, m, th0, o->max_it, &rec[(box * NMETHODS + m) * starts + s], s == 0 && record_paths ? &path : NULL));
        if (path.n) {
          PetscCall(PetscSNPrintf(key, sizeof(key), "paths.%s.%s", BoxName[box], MethodName[m]));
          PetscCall(SNAPSReportSetRealArray(rep, key, path.n * np, path.theta));
          PetscCall(PetscFree(path.theta));
        }
        *best = PetscMin(*best, rec[(box * NMETHODS + m) * starts + s].mse);
      }
    }
  PetscFunctionReturn(0);
}

/* Per box: every method's summary, and the targets for infinite descent: >= 99% success in one outer step,
   fewer inner iterations than VP's iterations, less time than the fastest TAO method (medians). *all_met is
   cleared by a target missed (the scattered problem is not a target). */
static PetscErrorCode SummariseTargets(const BenchOptions *o, const Problem *pb, SNAPSReport rep, const RunRecord rec[], PetscBool *all_met)
{
  const PetscInt starts = o->starts;
  PetscReal      key_val[NMETHODS][4];
  char           key[128];

  PetscFunctionBegin;
  for (PetscInt box = 0; box < 2; box++) {
    PetscReal best_tao_time = PETSC_MAX_REAL;
    PetscBool met;
    for (PetscInt m = 0; m < NMETHODS; m++) PetscCall(Summarise(rep, pb, box, m, starts, rec + (box * NMETHODS + m) * starts, &key_val[m][0], &key_val[m][1], &key_val[m][2], &key_val[m][3]));
    for (PetscInt m = M_SD; m < NMETHODS; m++) best_tao_time = PetscMin(best_tao_time, key_val[m][3]);
    met = (PetscBool)(key_val[M_ID][0] >= 0.99 && key_val[M_ID][1] == 1 && key_val[M_ID][2] < key_val[M_VP][1] && key_val[M_ID][3] < best_tao_time);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %-12s %-5s targets: success %.0f%% (>= 99%%), outer %.0f (1), inner %.0f < VP iterations %.0f, time %.3e < best TAO %.3e s: %s\n", pb->name, BoxName[box], (double)(100 * key_val[M_ID][0]), (double)key_val[M_ID][1], (double)key_val[M_ID][2], (double)key_val[M_VP][1], (double)key_val[M_ID][3], (double)best_tao_time, met ? "MET" : "MISSED"));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s.%s.targets_met", pb->name, BoxName[box]));
    PetscCall(SNAPSReportSetInt(rep, key, met));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s.%s.best_tao_time_s_median", pb->name, BoxName[box]));
    PetscCall(SNAPSReportSetReal(rep, key, best_tao_time));
    if (!pb->scattered) *all_met = (PetscBool)(*all_met && met);
  }
  PetscFunctionReturn(0);
}

/* One problem: its data, every method from every start, the successes, the summaries and targets */
static PetscErrorCode RunProblem(const BenchOptions *o, Problem *pb, SNAPSReport rep, PetscBool *all_met)
{
  const PetscInt np = 4 * pb->d * pb->r * pb->P;
  RunRecord     *rec;
  PetscReal      best = PETSC_MAX_REAL;
  PetscBool      record_paths;
  char           key[128];

  PetscFunctionBegin;
  PetscCall(MakeData(pb));
  PetscCall(PetscStrcmp(pb->name, o->path_problem, &record_paths));
  PetscCall(ReportProblem(rep, pb, np));
  PetscCall(PetscMalloc1(2 * NMETHODS * o->starts, &rec));
  PetscCall(RunStarts(o, pb, np, record_paths, rep, rec, &best));
  for (PetscInt i = 0; i < 2 * NMETHODS * o->starts; i++) {
    RunRecord *r = rec + i;
    r->success   = pb->noise > 0 ? (PetscBool)(r->mse <= best * (1 + 1e-8)) : (PetscBool)(r->mse <= 1e-20 && r->perr <= 1e-8);
  }
  if (pb->noise > 0) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s.best_mse", pb->name));
    PetscCall(SNAPSReportSetReal(rep, key, best));
  }
  PetscCall(SummariseTargets(o, pb, rep, rec, all_met));
  PetscCall(PetscFree(rec));
  PetscCall(VecDestroy(&pb->X));
  PetscCall(VecDestroy(&pb->Y));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  BenchOptions   o;
  Problem        prob[MAXSIZES + 3];
  PetscInt       nprob;
  SNAPSReport    rep;
  PetscLogDouble wall0, wall1;
  PetscReal      load0[3];
  PetscBool      all_met = PETSC_TRUE, helpflg, path_ran = PETSC_FALSE;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscTime(&wall0));
  PetscCall(BenchLoadAverage(load0));
  PetscCall(BenchOptionsRead(&o));
  PetscCall(PetscOptionsHasHelp(NULL, &helpflg));
  if (helpflg) { /* the options are printed: run nothing */
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(CheckBenchOptions(&o));
  PetscCall(SetMethodOptions(o.max_it, o.sd_max_it));
  PetscCall(MakeProblems(&o, prob, &nprob, &path_ran));

  PetscCall(SNAPSReportCreate(PETSC_COMM_WORLD, &rep));
  PetscCall(SNAPSReportSetString(rep, "program", "bench_aion"));
  PetscCall(SNAPSReportSetInt(rep, "starts_per_box", o.starts));
  if (path_ran) PetscCall(SNAPSReportSetString(rep, "path_problem", o.path_problem)); /* else no paths: it did not run */
  PetscCall(SNAPSReportSetInt(rep, "max_it", o.max_it));
  PetscCall(SNAPSReportSetInt(rep, "sd_max_it", o.sd_max_it));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "bench_aion: %" PetscInt_FMT " starts per box; medians over all starts\n", o.starts));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  %-12s %-5s %-20s %7s %8s %8s %8s %8s %8s %11s %10s\n", "problem", "box", "method", "success", "outer", "inner", "f-evals", "g-evals", "H-evals", "time [s]", "MSE"));
  for (PetscInt ip = 0; ip < nprob; ip++) PetscCall(RunProblem(&o, &prob[ip], rep, &all_met));
  PetscCall(SNAPSReportSetInt(rep, "all_targets_met", all_met));
  PetscCall(PetscTime(&wall1));
  PetscCall(SNAPSReportSetReal(rep, "wall_time_s", (PetscReal)(wall1 - wall0))); /* the whole run (rank 0): every problem, start and method */
  /* the times depend on the other jobs: the load at both ends of the run */
  PetscCall(BenchReportLoad(rep, load0));
  if (o.results[0]) PetscCall(SNAPSReportWrite(rep, o.results));
  PetscCall(SNAPSReportDestroy(&rep));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
