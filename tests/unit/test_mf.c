static const char help[] = "The multi-fidelity SNA (type mf): recovery of known corrections, 0% HF is the LF model bit for bit,\n"
                           "nested designs (the correction fitted against the LF data), save/load round trip, grid evaluation (also of an unfitted model: zero), SNAMFEvaluateCorrection(), no leak from a failed correction fit (-malloc_debug). Any number of ranks.\n"
                           "Usage: test_mf <scratch directory>\n";

#include <snaps.h>
#include <string.h>
#include "fit_stderr.h"

/* Two inputs (mu, s): LF f = (1 + mu^3) s^2 + mu s, and the HF corrections g = 0.2 mu s^3 (residual) and
   rho = 1 + 0.5 mu, delta = 0.1 s (ar1): all polynomials a cubic KHRONOS holds exactly. */
static PetscReal F(PetscReal mu, PetscReal s)
{
  return (1 + mu * mu * mu) * s * s + mu * s;
}

static PetscReal HF(PetscBool ar1, PetscReal mu, PetscReal s)
{
  return ar1 ? (1 + 0.5 * mu) * F(mu, s) + 0.1 * s : F(mu, s) + 0.2 * mu * s * s * s;
}

/* n values of mu from a seeded generator, appended to mu. */
static PetscErrorCode Mu(PetscInt ncases, unsigned long seed, PetscReal mu[])
{
  PetscRandom rnd;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, seed));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt c = 0; c < ncases; c++) PetscCall(PetscRandomGetValueReal(rnd, &mu[c]));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* The cases mu[0 .. ncases-1] at 21 stations each; ar1 < 0: the LF values. Rows distributed by PETSc. */
static PetscErrorCode Cases(PetscInt ncases, const PetscReal mu[], PetscInt ar1, Vec *X, Vec *Y)
{
  const PetscInt N = 21 * ncases;
  PetscReal     *x, *y;
  PetscInt       lo, hi;

  PetscFunctionBegin;
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, N, Y));
  PetscCall(VecGetOwnershipRange(*Y, &lo, &hi));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, 2 * (hi - lo), 2 * N, X));
  PetscCall(VecSetBlockSize(*X, 2));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = lo; i < hi; i++) {
    const PetscReal m = mu[i / 21], s = -1 + 0.1 * (i % 21);
    x[2 * (i - lo)]     = m;
    x[2 * (i - lo) + 1] = s;
    y[i - lo]           = ar1 < 0 ? F(m, s) : HF((PetscBool)ar1, m, s);
  }
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscFunctionReturn(0);
}

/* n cases of 21 stations each, mu from a seeded generator; ar1 < 0: the LF values. */
static PetscErrorCode Data(PetscInt ncases, unsigned long seed, PetscInt ar1, Vec *X, Vec *Y)
{
  PetscReal *mu;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(ncases, &mu));
  PetscCall(Mu(ncases, seed, mu));
  PetscCall(Cases(ncases, mu, ar1, X, Y));
  PetscCall(PetscFree(mu));
  PetscFunctionReturn(0);
}

/* max |a - b| / max |b|. */
static PetscErrorCode RelDiff(Vec a, Vec b, PetscReal *r)
{
  Vec       e;
  PetscReal n, nb;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(a, &e));
  PetscCall(VecWAXPY(e, -1.0, b, a));
  PetscCall(VecNorm(e, NORM_INFINITY, &n));
  PetscCall(VecNorm(b, NORM_INFINITY, &nb));
  *r = n / nb;
  PetscCall(VecDestroy(&e));
  PetscFunctionReturn(0);
}

/* An mf model of the blend with a cubic LF part (6 nodes, 4 modes), joint-stage weight lambda, its delta and rho
   parts returned for their settings. */
static PetscErrorCode Create(SNAMFBlend blend, PetscReal lambda, SNA *sna, SNA *delta, SNA *rho)
{
  SNA lf;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, sna));
  PetscCall(SNASetType(*sna, SNAMF));
  PetscCall(SNAMFSetBlend(*sna, blend));
  PetscCall(SNAMFGetParts(*sna, &lf, delta, rho));
  PetscCall(SNAKhronosSetBasis(lf, 3, 6, 4));
  PetscCall(SNASetRegularization(*sna, lambda));
  PetscFunctionReturn(0);
}

/* SNAMFFit() after the options, then the data freed. */
static PetscErrorCode FitAndFree(SNA sna, Vec *Xl, Vec *Yl, Vec *Xh, Vec *Yh)
{
  PetscFunctionBegin;
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNAMFFit(sna, *Xl, *Yl, *Xh, *Yh));
  PetscCall(VecDestroy(Xl));
  PetscCall(VecDestroy(Yl));
  PetscCall(VecDestroy(Xh));
  PetscCall(VecDestroy(Yh));
  PetscFunctionReturn(0);
}

/* A cubic mf model fitted to 60 LF cases and 20 HF cases (nhf 0: none); ar1 with a small delta so that it cannot
   absorb rho's part (rho and delta are then identifiable). */
static PetscErrorCode Fit(PetscBool ar1, PetscBool hf, SNA *sna)
{
  Vec Xl, Yl, Xh = NULL, Yh = NULL;
  SNA delta, rho;

  PetscFunctionBegin;
  PetscCall(Data(60, 1, -1, &Xl, &Yl));
  if (hf) PetscCall(Data(20, 2, ar1, &Xh, &Yh));
  PetscCall(Create(ar1 ? SNA_MF_AR1 : SNA_MF_RESIDUAL, 0, sna, &delta, &rho)); /* the joint AR1 stage: no Tikhonov trade-off at rounding level */
  PetscCall(SNAKhronosSetBasis(delta, 3, ar1 ? 4 : 6, ar1 ? 1 : 4));
  if (rho) PetscCall(SNAKhronosSetBasis(rho, 2, 3, 2));
  PetscCall(FitAndFree(*sna, &Xl, &Yl, &Xh, &Yh));
  PetscFunctionReturn(0);
}

/* The fitted blend predicts held-out HF cases to fit accuracy; for ar1, its rho part is 1 + 0.5 mu. */
static PetscErrorCode CheckRecovery(PetscBool ar1, SNA sna)
{
  Vec       Xq, Yq, U;
  PetscReal err;

  PetscFunctionBegin;
  PetscCall(Data(5, 3, ar1, &Xq, &Yq));
  PetscCall(VecDuplicate(Yq, &U));
  PetscCall(SNAEvaluate(sna, Xq, U));
  PetscCall(RelDiff(U, Yq, &err));
  PetscCheck(err < 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s blend: held-out HF error %g, expected < 1e-6 (an exact correction)", ar1 ? "ar1" : "residual", (double)err);
  if (ar1) {
    SNA              rho;
    Vec              R;
    const PetscReal *x;
    PetscReal       *r;
    PetscInt         n;

    PetscCall(SNAMFGetParts(sna, NULL, NULL, &rho));
    PetscCall(VecDuplicate(Yq, &R));
    PetscCall(SNAEvaluate(rho, Xq, R));
    PetscCall(VecGetLocalSize(R, &n));
    PetscCall(VecGetArrayRead(Xq, &x));
    PetscCall(VecGetArray(R, &r));
    for (PetscInt i = 0; i < n; i++) r[i] -= 0.5 * x[2 * i]; /* the part holds r of rho = 1 + r */
    PetscCall(VecRestoreArray(R, &r));
    PetscCall(VecRestoreArrayRead(Xq, &x));
    PetscCall(VecNorm(R, NORM_INFINITY, &err));
    PetscCheck(err < 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "ar1 blend: rho differs from 1 + 0.5 mu by %g, expected < 1e-6", (double)err);
    PetscCall(VecDestroy(&R));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s blend recovers the HF function (error %.2e)\n", ar1 ? "ar1" : "residual", (double)err));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&Xq));
  PetscCall(VecDestroy(&Yq));
  PetscFunctionReturn(0);
}

/* Saved and loaded, the model predicts the same to 1e-14, and its grid evaluation matches the scattered one. */
static PetscErrorCode CheckRoundTrip(SNA sna, const char dir[])
{
  char      file[PETSC_MAX_PATH_LEN];
  SNA       back;
  Vec       Xq, Yq, U, V;
  PetscReal err, *c[2], mu[3] = {0.1, 0.5, 0.9}, s[4] = {-1, -0.3, 0.2, 1};
  PetscInt  n[2] = {3, 4};
  PetscBool corrected;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(file, sizeof(file), "%s/mf.h5", dir));
  PetscCall(SNASave(sna, file));
  PetscCall(SNACreate(PETSC_COMM_WORLD, &back));
  PetscCall(SNALoad(back, file));
  PetscCall(SNAMFHasCorrection(back, &corrected));
  PetscCall(Data(5, 3, 0, &Xq, &Yq));
  PetscCall(VecDuplicate(Yq, &U));
  PetscCall(VecDuplicate(Yq, &V));
  PetscCall(SNAEvaluate(sna, Xq, U));
  PetscCall(SNAEvaluate(back, Xq, V));
  PetscCall(RelDiff(V, U, &err));
  PetscCheck(err <= 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The loaded mf model differs from the saved one by %g (relative), expected <= 1e-14", (double)err);
  { /* a constant rho loaded back as full evaluates the same: the form and parameter count must survive too */
    SNAMFRhoForm f0, f1;
    PetscInt     P0, P1;
    PetscCall(SNAMFGetRhoSelection(sna, &f0, NULL, NULL));
    PetscCall(SNAMFGetRhoSelection(back, &f1, NULL, NULL));
    PetscCall(SNAGetNumParameters(sna, &P0));
    PetscCall(SNAGetNumParameters(back, &P1));
    PetscCheck(f0 == f1 && P0 == P1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The loaded mf model has rho form %s and %" PetscInt_FMT " parameters, the saved one %s and %" PetscInt_FMT, SNAMFRhoForms[f1], P1, SNAMFRhoForms[f0], P0);
  }
  c[0] = mu;
  c[1] = s;
  {
    Vec Xg, Ug;
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, 24, &Xg));
    PetscCall(VecSetBlockSize(Xg, 2));
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, 12, &Ug));
    for (PetscInt i = 0; i < 3; i++)
      for (PetscInt j = 0; j < 4; j++) {
        PetscCall(VecSetValue(Xg, 2 * (4 * i + j), mu[i], INSERT_VALUES));
        PetscCall(VecSetValue(Xg, 2 * (4 * i + j) + 1, s[j], INSERT_VALUES));
      }
    PetscCall(VecAssemblyBegin(Xg));
    PetscCall(VecAssemblyEnd(Xg));
    {
      SNA self;
      Vec Gs;
      PetscCall(SNACreate(PETSC_COMM_SELF, &self));
      PetscCall(SNALoad(self, file));
      PetscCall(SNAEvaluate(self, Xg, Ug));
      PetscCall(SNACreateGridVec(self, n, &Gs));
      PetscCall(SNAEvaluateGrid(self, n, (const PetscReal *const *)c, Gs));
      PetscCall(RelDiff(Gs, Ug, &err));
      PetscCheck(err <= 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The mf grid evaluation differs from the scattered one by %g", (double)err);
      PetscCall(VecDestroy(&Gs));
      PetscCall(SNADestroy(&self));
    }
    PetscCall(VecDestroy(&Xg));
    PetscCall(VecDestroy(&Ug));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "round trip: %s model equal to %.1e after save/load; grid evaluation agrees\n", corrected ? "corrected" : "LF-only", (double)err));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&V));
  PetscCall(VecDestroy(&Xq));
  PetscCall(VecDestroy(&Yq));
  PetscCall(SNADestroy(&back));
  PetscFunctionReturn(0);
}

/* Fitted without HF data the model is its LF part, bit for bit; SNAMFEvaluateCorrection() of given LF values then
   returns them unchanged, and with a residual correction adds delta to them. */
static PetscErrorCode CheckLFAlone(const char dir[])
{
  SNA       sna, lf;
  Vec       Xq, Yq, U, V;
  PetscReal err;
  PetscBool corrected;

  PetscFunctionBegin;
  PetscCall(Fit(PETSC_TRUE, PETSC_FALSE, &sna));
  PetscCall(SNAMFHasCorrection(sna, &corrected));
  PetscCheck(!corrected, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "An mf model fitted without HF data says it has a correction");
  PetscCall(SNAMFGetParts(sna, &lf, NULL, NULL));
  PetscCall(Data(5, 3, -1, &Xq, &Yq));
  PetscCall(VecDuplicate(Yq, &U));
  PetscCall(VecDuplicate(Yq, &V));
  PetscCall(SNAEvaluate(sna, Xq, U));
  PetscCall(SNAEvaluate(lf, Xq, V));
  PetscCall(VecAXPY(U, -1.0, V));
  PetscCall(VecNorm(U, NORM_INFINITY, &err));
  PetscCheck(err == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "0%% HF: the mf model differs from its LF part by %g; expected bit for bit equality", (double)err);
  PetscCall(SNAMFEvaluateCorrection(sna, Xq, Yq, U));
  PetscCall(VecAXPY(U, -1.0, Yq));
  PetscCall(VecNorm(U, NORM_INFINITY, &err));
  PetscCheck(err == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "0%% HF: the correction changes given LF values by %g", (double)err);
  PetscCall(CheckRoundTrip(sna, dir));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "0%% HF: the LF model bit for bit\n"));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&V));
  PetscCall(VecDestroy(&Xq));
  PetscCall(VecDestroy(&Yq));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Before its LF part is fitted (set up, with bounds) the model is zero, on a grid as at points: the grid path must not
   evaluate the unfitted LF part. */
static PetscErrorCode CheckUnfittedGrid(void)
{
  SNA             sna;
  Vec             Y;
  const PetscInt  n[2]  = {3, 4};
  const PetscReal c0[3] = {0, 0.5, 1}, c1[4] = {0, 0.25, 0.5, 1}, *coords[2] = {c0, c1}, lo[2] = {0, 0}, hi[2] = {1, 1};
  PetscReal       norm;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  PetscCall(SNASetType(sna, SNAMF));
  PetscCall(SNASetSizes(sna, 2, 1));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNASetUp(sna));
  PetscCall(SNACreateGridVec(sna, n, &Y));
  PetscCall(VecSet(Y, 1.0));
  PetscCall(SNAEvaluateGrid(sna, n, coords, Y));
  PetscCall(VecNorm(Y, NORM_INFINITY, &norm));
  PetscCheck(norm == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "An mf model whose LF part is not fitted evaluates to %g on a grid, expected 0 (as at points)", (double)norm);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "unfitted: zero on a grid, as at points\n"));
  PetscCall(VecDestroy(&Y));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* SNAKhronosSetConstant() (ar1's start of rho) on a khronos SNA set up for greedy enrichment, which holds one mode of
   the three asked for: it wrote two modes into the one-mode arrays (a heap overflow, seen as an abort at SNADestroy).
   Now the constant of a rank-1 model: the output is c everywhere, and the parameters are those of one mode. */
static PetscErrorCode CheckConstantOneMode(void)
{
  SNA             sna;
  Vec             Y;
  const PetscInt  n[2]  = {3, 4};
  const PetscReal c0[3] = {0, 0.5, 1}, c1[4] = {0, 0.25, 0.5, 1}, *coords[2] = {c0, c1}, lo[2] = {0, 0}, hi[2] = {1, 1}, c = 0.25;
  PetscReal       mx, mn;
  PetscInt        np;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  PetscCall(SNASetType(sna, SNAKHRONOS));
  PetscCall(SNASetSizes(sna, 2, 1));
  PetscCall(SNAKhronosSetBasis(sna, 2, 4, 3));
  PetscCall(SNAKhronosSetRefinement(sna, 0, PETSC_TRUE));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNAKhronosSetConstant(sna, &c));
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCheck(np == 2 * 4 + 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "A khronos SNA under enrichment set to a constant has %" PetscInt_FMT " parameters, expected one mode's 9", np);
  PetscCall(SNACreateGridVec(sna, n, &Y));
  PetscCall(SNAEvaluateGrid(sna, n, coords, Y));
  PetscCall(VecMax(Y, NULL, &mx));
  PetscCall(VecMin(Y, NULL, &mn));
  PetscCheck(PetscAbsReal(mx - c) < 1e-14 && PetscAbsReal(mn - c) < 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "SNAKhronosSetConstant(%g) on a one-mode model evaluates to [%g, %g]", (double)c, (double)mn, (double)mx);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "constant on a one-mode (enrichment) model: %g everywhere\n", (double)c));
  PetscCall(VecDestroy(&Y));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* A refit of the correction that fails in delta's own fit leaves no work vector behind: the memory in use (traced
   with -malloc_debug, which the test runs with) is the same after the error as before. */
static PetscErrorCode CheckFailedCorrectionLeaksNothing(void)
{
  SNA            sna, delta;
  Vec            Xh, Yh;
  PetscLogDouble before, after;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(Fit(PETSC_FALSE, PETSC_TRUE, &sna));
  PetscCall(Data(20, 2, 0, &Xh, &Yh));
  PetscCall(SNAMFGetParts(sna, NULL, &delta, NULL));
  PetscCall(SNASetFitType(delta, "no_such_fit"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  (void)SNAFit(sna, Xh, Yh); /* a first failure: the caches of the evaluations the fit makes are then in place */
  PetscCall(PetscMallocGetCurrentUsage(&before));
  ierr = SNAFit(sna, Xh, Yh);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscMallocGetCurrentUsage(&after));
  PetscCheck(ierr, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "A correction fit of type no_such_fit should fail");
  PetscCheck(after <= before, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The failed correction fit left %g bytes allocated", (double)(after - before));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "a failed correction fit leaks nothing\n"));
  PetscCall(VecDestroy(&Xh));
  PetscCall(VecDestroy(&Yh));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Nested designs: the LF data holds 60 cases and the 20 HF cases too, and the LF part (linear, 2 nodes) cannot hold
   the LF function. The correction must then be fitted against the LF data at the HF rows, so that applied to the HF
   cases' LF data (snaps-predict with /YLF) it gives their HF values exactly; fitted against the poor LF part it
   would carry that part's error. Both blends. By default (-mf_nested_lf false: the evidence of cases/airfoil-mf and
   cases/poisson-mf) the correction is fitted against the LF part, and no HF row is taken as nested. */
static PetscErrorCode CheckNested(PetscBool ar1, PetscBool use_nested)
{
  SNA       sna, lf, delta, rho;
  Vec       Xl, Yl, Xh, Yh, Xn, Yn, U;
  PetscReal mu[80], err;
  PetscInt  nested;

  PetscFunctionBegin;
  PetscCall(Mu(60, 1, mu));
  PetscCall(Mu(20, 2, mu + 60));
  PetscCall(Cases(80, mu, -1, &Xl, &Yl));
  PetscCall(Cases(20, mu + 60, ar1, &Xh, &Yh));
  PetscCall(Cases(20, mu + 60, -1, &Xn, &Yn)); /* the HF cases' LF data */
  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  PetscCall(SNASetType(sna, SNAMF));
  PetscCall(SNAMFSetBlend(sna, ar1 ? SNA_MF_AR1 : SNA_MF_RESIDUAL));
  PetscCall(SNAMFGetParts(sna, &lf, &delta, &rho));
  PetscCall(SNAKhronosSetBasis(lf, 1, 2, 1));
  PetscCall(SNAKhronosSetBasis(delta, 3, ar1 ? 4 : 6, ar1 ? 1 : 4));
  if (rho) PetscCall(SNAKhronosSetBasis(rho, 2, 3, 2));
  PetscCall(SNASetRegularization(sna, 0));
  if (use_nested) PetscCall(PetscOptionsSetValue(NULL, "-mf_nested_lf", "true"));
  PetscCall(SNASetFromOptions(sna));
  if (use_nested) PetscCall(PetscOptionsClearValue(NULL, "-mf_nested_lf"));
  PetscCall(SNAMFFit(sna, Xl, Yl, Xh, Yh));
  PetscCall(SNAMFGetNestedRows(sna, &nested));
  PetscCheck(use_nested || nested == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s blend, default options: the correction was fitted against the LF data at %" PetscInt_FMT " nested HF rows; the default (-mf_nested_lf false) fits it against the LF part", ar1 ? "ar1" : "residual", nested);
  if (!use_nested) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s blend, default options: fitted against the LF part (no nested rows)\n", ar1 ? "ar1" : "residual"));
  PetscCheck(!use_nested || nested == 20 * 21, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s blend: %" PetscInt_FMT " HF rows found nested in the LF data, expected all 420", ar1 ? "ar1" : "residual", nested);
  PetscCall(VecDuplicate(Yh, &U));
  PetscCall(SNAMFEvaluateCorrection(sna, Xh, Yn, U));
  PetscCall(RelDiff(U, Yh, &err));
  PetscCheck(!use_nested || err < 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s blend, nested designs: the correction applied to the HF cases' LF data misses their HF values by %g (relative), expected < 1e-6: was it fitted against the LF part instead of the LF data?", ar1 ? "ar1" : "residual", (double)err);
  if (use_nested) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s blend, nested designs: fitted against the LF data at %" PetscInt_FMT " rows (error %.2e)\n", ar1 ? "ar1" : "residual", nested, (double)err));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&Xl));
  PetscCall(VecDestroy(&Yl));
  PetscCall(VecDestroy(&Xh));
  PetscCall(VecDestroy(&Yh));
  PetscCall(VecDestroy(&Xn));
  PetscCall(VecDestroy(&Yn));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Kennedy-O'Hagan's AR1 with a constant scale: y_HF = 1.3 y_LF + 0.1 s, plus seeded noise of 1% of the largest |y|,
   on 4 HF cases (nhf) with their case ids. The full rho (a KHRONOS in mu and s) follows the noise of 4 cases, the
   constant one cannot: -mf_select cv (leave-one-case-out) must choose the constant form, and find rho near 1.3. */
static PetscErrorCode ConstantRhoData(PetscInt nhf, Vec *X, Vec *Y, Vec *C)
{
  const PetscReal *x;
  PetscReal       *y, *c, e;
  PetscInt         n, lo;
  PetscRandom      rnd;

  PetscFunctionBegin;
  PetscCall(Data(nhf, 5, -1, X, Y));
  PetscCall(VecGetLocalSize(*Y, &n));
  PetscCall(VecGetOwnershipRange(*Y, &lo, NULL));
  PetscCall(VecDuplicate(*Y, C));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 11 + (unsigned long)lo));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecGetArrayRead(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  PetscCall(VecGetArray(*C, &c));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscRandomGetValueReal(rnd, &e));
    y[i] = 1.3 * y[i] + 0.1 * x[2 * i + 1] + 0.02 * e; /* |y_LF| <= 2 on the stations */
    c[i] = (PetscReal)((lo + i) / 21);
  }
  PetscCall(VecRestoreArray(*C, &c));
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArrayRead(*X, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* An ar1 model fitted to 60 LF cases and the HF cases of ConstantRhoData(), the form of rho chosen by sel (form
   when none; inputs: r along s only). */
static PetscErrorCode FitForm(SNAMFSelect sel, SNAMFRhoForm form, SNA *sna)
{
  Vec            Xl, Yl, Xh, Yh, C;
  SNA            delta, rho;
  const PetscInt s_only[] = {1};

  PetscFunctionBegin;
  PetscCall(Data(60, 1, -1, &Xl, &Yl));
  PetscCall(ConstantRhoData(4, &Xh, &Yh, &C));
  PetscCall(Create(SNA_MF_AR1, 1e-10, sna, &delta, &rho));
  PetscCall(SNAMFSetRhoForm(*sna, form));
  PetscCall(SNAMFSetRhoInputs(*sna, 1, s_only));
  PetscCall(SNAMFSetSelect(*sna, sel, 5));
  PetscCall(SNAMFSetCases(*sna, C));
  PetscCall(SNAKhronosSetBasis(delta, 3, 4, 1));
  PetscCall(SNAKhronosSetBasis(rho, 2, 4, 2));
  PetscCall(FitAndFree(*sna, &Xl, &Yl, &Xh, &Yh));
  PetscCall(VecDestroy(&C));
  PetscFunctionReturn(0);
}

/* -mf_select cv on few noisy HF cases of a constant-scale AR1: the constant form, r near 0.3 (delta takes a little
   of it), one parameter; and the constant and inputs forms survive save/load with their grid evaluation equal to
   the scattered one. */
static PetscErrorCode CheckSelect(const char dir[])
{
  SNA          sna;
  SNAMFRhoForm form;
  PetscReal    err[3], *theta, r;
  PetscInt     folds, P, Pd;
  SNA          delta;

  PetscFunctionBegin;
  PetscCall(FitForm(SNA_MF_SELECT_CV, SNA_MF_RHO_FULL, &sna));
  PetscCall(SNAMFGetRhoSelection(sna, &form, err, &folds));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-mf_select cv on 4 cases: %" PetscInt_FMT " folds, relative CV error constant %.3e, inputs %.3e, full %.3e: %s\n", folds, (double)err[SNA_MF_RHO_CONSTANT], (double)err[SNA_MF_RHO_INPUTS], (double)err[SNA_MF_RHO_FULL], SNAMFRhoForms[form]));
  PetscCheck(folds == 4, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "-mf_select cv on 4 HF cases must leave one case out in each of 4 folds, not %" PetscInt_FMT, folds);
  PetscCheck(form == SNA_MF_RHO_CONSTANT, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "-mf_select cv chose rho %s on 4 noisy cases of a constant-scale AR1 (CV errors constant %g, full %g): expected constant", SNAMFRhoForms[form], (double)err[SNA_MF_RHO_CONSTANT], (double)err[SNA_MF_RHO_FULL]);
  PetscCall(SNAGetNumParameters(sna, &P));
  PetscCall(SNAMFGetParts(sna, NULL, &delta, NULL));
  PetscCall(SNAGetNumParameters(delta, &Pd));
  PetscCall(PetscMalloc1(P, &theta));
  PetscCall(SNAGetParameters(sna, theta)); /* [lf, r, delta]: r is the entry before delta's */
  r = theta[P - Pd - 1];
  PetscCall(PetscFree(theta));
  PetscCheck(PetscAbsReal(r - 0.3) < 0.03, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "constant rho = 1 + r with r = %g, expected 0.3 +- 0.03 (delta takes a little of it)", (double)r);
  PetscCall(CheckRoundTrip(sna, dir));
  PetscCall(SNADestroy(&sna));
  PetscCall(FitForm(SNA_MF_SELECT_NONE, SNA_MF_RHO_INPUTS, &sna));
  PetscCall(CheckRoundTrip(sna, dir));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Refused at fit time, not fitted to something else: -mf_rho_inputs set through the API before the model knows its
   inputs with an index past them (r would be constant along every input), and -mf_select cv on one HF case (no
   fold to validate on; the form would be chosen without the cross-validation the report claims). */
static PetscErrorCode CheckRhoRefusals(void)
{
  const PetscInt     past[] = {5};
  const PetscInt     nhf[]  = {4, 1};
  const SNAMFRhoForm form[] = {SNA_MF_RHO_INPUTS, SNA_MF_RHO_FULL};
  const SNAMFSelect  sel[]  = {SNA_MF_SELECT_NONE, SNA_MF_SELECT_CV};

  PetscFunctionBegin;
  for (PetscInt t = 0; t < 2; t++) {
    Vec            Xl, Yl, Xh, Yh, C;
    SNA            sna, delta, rho;
    PetscErrorCode ierr;

    PetscCall(Data(60, 1, -1, &Xl, &Yl));
    PetscCall(ConstantRhoData(nhf[t], &Xh, &Yh, &C));
    PetscCall(Create(SNA_MF_AR1, 1e-10, &sna, &delta, &rho));
    PetscCall(SNAMFSetRhoForm(sna, form[t]));
    if (t == 0) PetscCall(SNAMFSetRhoInputs(sna, 1, past)); /* the model has no inputs yet: accepted here */
    PetscCall(SNAMFSetSelect(sna, sel[t], 5));
    PetscCall(SNAMFSetCases(sna, C));
    PetscCall(SNAKhronosSetBasis(delta, 3, 4, 1));
    PetscCall(SNAKhronosSetBasis(rho, 2, 4, 2));
    PetscCall(SNASetFromOptions(sna));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNAMFFit(sna, Xl, Yl, Xh, Yh);
    PetscCall(PetscPopErrorHandler());
    PetscCheck(ierr, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s should be refused", t == 0 ? "-mf_rho_inputs 5 on a model of 2 inputs" : "-mf_select cv on one HF case");
    PetscCall(VecDestroy(&Xl));
    PetscCall(VecDestroy(&Yl));
    PetscCall(VecDestroy(&Xh));
    PetscCall(VecDestroy(&Yh));
    PetscCall(VecDestroy(&C));
    PetscCall(SNADestroy(&sna));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-mf_rho_inputs past the inputs and -mf_select cv on one HF case are refused at fit time\n"));
  PetscFunctionReturn(0);
}

/* An ar1 model of more inputs than the form inputs supports (70 > 64), rho full: its grid evaluation equals the
   scattered one (rho on the grid once kept 64-entry arrays indexed by every input, past their end here). */
static PetscErrorCode CheckManyInputsGrid(void)
{
  const PetscInt d = 70, N = 24;
  SNA            sna, delta, rho;
  Vec            Xl, Yl, Xh, Yh, Xg, Ug, Gs;
  PetscReal     *x, *y, **c, err;
  PetscInt      *n;
  PetscRandom    rnd;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 7));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N * d, &Xl));
  PetscCall(VecSetBlockSize(Xl, d));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, &Yl));
  PetscCall(VecGetArray(Xl, &x));
  PetscCall(VecGetArray(Yl, &y));
  for (PetscInt i = 0; i < N; i++) {
    y[i] = 1;
    for (PetscInt p = 0; p < d; p++) {
      PetscCall(PetscRandomGetValueReal(rnd, &x[i * d + p]));
      y[i] += x[i * d + p] / d;
    }
  }
  PetscCall(VecRestoreArray(Yl, &y));
  PetscCall(VecRestoreArray(Xl, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDuplicate(Xl, &Xh));
  PetscCall(VecCopy(Xl, Xh));
  PetscCall(VecDuplicate(Yl, &Yh));
  PetscCall(VecCopy(Yl, Yh));
  PetscCall(VecScale(Yh, 1.1));
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetType(sna, SNAMF));
  PetscCall(SNAMFSetBlend(sna, SNA_MF_AR1));
  {
    SNA lf;
    PetscCall(SNAMFGetParts(sna, &lf, &delta, &rho));
    PetscCall(SNAKhronosSetBasis(lf, 1, 2, 1));
  }
  PetscCall(SNAKhronosSetBasis(delta, 1, 2, 1));
  PetscCall(SNAKhronosSetBasis(rho, 1, 2, 2));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNAMFFit(sna, Xl, Yl, Xh, Yh));
  /* a grid of 2 points along input 0, the others at one value: the first two rows of Xg */
  PetscCall(PetscMalloc2(d, &c, d, &n));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * d, &Xg));
  PetscCall(VecSetBlockSize(Xg, d));
  PetscCall(VecGetArray(Xg, &x));
  for (PetscInt p = 0; p < d; p++) {
    n[p]     = p ? 1 : 2;
    x[p]     = p ? 0.5 : 0.25;
    x[d + p] = p ? 0.5 : 0.75;
    c[p]     = x + p; /* p > 0: the one value; input 0 gets an array of its own below */
  }
  {
    PetscReal c0[2] = {0.25, 0.75};
    c[0]            = c0;
    PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2, &Ug));
    PetscCall(SNAEvaluate(sna, Xg, Ug));
    PetscCall(SNACreateGridVec(sna, n, &Gs));
    PetscCall(SNAEvaluateGrid(sna, n, (const PetscReal *const *)c, Gs));
  }
  PetscCall(VecRestoreArray(Xg, &x));
  PetscCall(RelDiff(Gs, Ug, &err));
  PetscCheck(err <= 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The grid evaluation of an ar1 model of %" PetscInt_FMT " inputs differs from the scattered one by %g", d, (double)err);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ar1 of %" PetscInt_FMT " inputs (rho full): grid evaluation equals the scattered one (%.1e)\n", d, (double)err));
  PetscCall(PetscFree2(c, n));
  PetscCall(VecDestroy(&Xg));
  PetscCall(VecDestroy(&Ug));
  PetscCall(VecDestroy(&Gs));
  PetscCall(VecDestroy(&Xl));
  PetscCall(VecDestroy(&Yl));
  PetscCall(VecDestroy(&Xh));
  PetscCall(VecDestroy(&Yh));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* SNASetParameters() on a fitted model sets its parts' parameters: each part's are then the caller's, as a loaded
   model's are, so a part's seed on a fit that continues from them is warned about (it was not: the part's own record
   of given parameters stayed unset). */
static PetscErrorCode CheckSetParametersParts(void)
{
  SNA        sna, lf, delta, rho;
  Vec        Xh, Yh;
  PetscInt   np;
  PetscReal *th;
  char       text[2048] = "";

  PetscFunctionBegin;
  PetscCall(PetscOptionsSetValue(NULL, "-mf_delta_sna_khronos_seed", "7"));
  PetscCall(Fit(PETSC_FALSE, PETSC_TRUE, &sna));
  PetscCall(PetscOptionsClearValue(NULL, "-mf_delta_sna_khronos_seed"));
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCall(PetscMalloc1(np, &th));
  PetscCall(SNAGetParameters(sna, th));
  PetscCall(SNASetParameters(sna, th));
  PetscCall(PetscFree(th));
  PetscCall(SNAMFGetParts(sna, &lf, &delta, &rho));
  PetscCall(Data(20, 2, 0, &Xh, &Yh));
  PetscCall(FitCapturingStderr(delta, Xh, Yh, text, sizeof(text)));
  PetscCheck(strstr(text, "-mf_delta_sna_khronos_seed (value 7) has no effect"), PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNASetParameters() on an mf model: its delta part's seed on a fit from those parameters was not warned about; stderr holds '%s'", text);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "SNASetParameters() on an mf model: its parts' parameters are the caller's (a part's seed warned about)\n"));
  PetscCall(VecDestroy(&Xh));
  PetscCall(VecDestroy(&Yh));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  SNA sna;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCheck(argc >= 2, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Usage: test_mf <scratch directory>");
  for (PetscInt ar1 = 0; ar1 < 2; ar1++) {
    PetscCall(Fit((PetscBool)ar1, PETSC_TRUE, &sna));
    PetscCall(CheckRecovery((PetscBool)ar1, sna));
    PetscCall(CheckRoundTrip(sna, argv[1]));
    PetscCall(SNADestroy(&sna));
    PetscCall(CheckNested((PetscBool)ar1, PETSC_FALSE));
    PetscCall(CheckNested((PetscBool)ar1, PETSC_TRUE));
  }
  PetscCall(CheckSelect(argv[1]));
  PetscCall(CheckRhoRefusals());
  PetscCall(CheckManyInputsGrid());
  PetscCall(CheckLFAlone(argv[1]));
  PetscCall(CheckUnfittedGrid());
  PetscCall(CheckConstantOneMode());
  PetscCall(CheckFailedCorrectionLeaksNothing());
  PetscCall(CheckSetParametersParts());
  PetscCall(PetscFinalize());
  return 0;
}
