static const char help[] = "KHRONOS ALS through the knot-span BLAS assembly: exact recovery with one and three inputs\n"
                           "(an empty mode product, products of two other inputs), two outputs and knot spans holding\n"
                           "several assembly tiles; on non-separable data the single-step block Newton fit (gradient op)\n"
                           "must give the ALS blocks to rounding; the same on grid data (each input takes a few values),\n"
                           "which the assembly sums by runs of equal values; on data that are groups x positions (designs x\n"
                           "stations), whose sums go by groups and by positions, ALS must give the parameters and the sweep\n"
                           "MSEs of the same rows with two of them swapped (no longer a product: the runs) to rounding.\n";

/* The ALS block assembly groups samples by knot span and accumulates each span tile by tile. The
   two-input tests (test_khronos_als, test_mpi_fit) use few samples per span and the in-place factor
   of the one other input; these fits reach the other paths. The separable targets are sums of
   products of polynomials of degree <= 2, which quadratic splines reproduce exactly, so correct normal
   equations recover them to rounding error. Exact data cannot tell a lost tile (any subset of the
   samples recovers them too), so the non-separable target compares ALS with the single-step fit,
   whose right-hand side is the gradient of the whole loss from other code (khronos.c). */
#include <snaps.h>
#include <snaps/private/khronosimpl.h>

#define MAX_D 3

/* Rank-2 target of three inputs with two outputs, or (d = 1) a quadratic, or (separable false) a
   non-separable smooth target of three inputs. */
static void Target(PetscInt d, PetscBool separable, const PetscReal *x, PetscReal *y)
{
  if (!separable) {
    y[0] = PetscSinReal(2 * x[0] + x[1] - x[2]) + x[0] * x[1] * x[2];
    y[1] = PetscExpReal(-x[0] * x[1] + 0.5 * x[2]);
    return;
  }
  if (d == 1) {
    y[0] = 1 + x[0] - 2 * x[0] * x[0];
    y[1] = -0.5 * y[0];
    return;
  }
  const PetscReal f = (1 + x[0] * x[0]) * (x[1] - 0.5) * (1 + x[2]), g = x[0] * (1 + x[1] + x[1] * x[1]) * (x[2] * x[2] - 0.3);
  y[0] = f + g;
  y[1] = 2 * f - g;
}

/* N pseudo-random points in [-1,1]^d (deterministic), each coordinate snapped to one of levels equispaced values if
   levels > 1 (grid data: the ALS assembly then goes by runs of equal values), and the target there (2 outputs). */
static PetscErrorCode MakeData(PetscInt d, PetscBool separable, PetscInt levels, PetscInt N, PetscInt seed, Vec *X, Vec *Y)
{
  PetscRandom rnd;
  PetscReal  *x, *y;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)seed));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, d * N, X));
  PetscCall(VecSetBlockSize(*X, d));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * N, Y));
  PetscCall(VecSetBlockSize(*Y, 2));
  PetscCall(VecSetRandom(*X, rnd));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = 0; levels > 1 && i < d * N; i++) x[i] = -1 + 2 * PetscFloorReal(0.5 * (x[i] + 1) * (levels - 1) + 0.5) / (levels - 1);
  for (PetscInt i = 0; i < N; i++) Target(d, separable, x + d * i, y + 2 * i);
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* A fresh model (same seed, so the same start) with d inputs, 5 quadratic nodes (3 knot spans, about
   N/3 samples each) and M modes, fitted by the given type with at most max_it sweeps. */
static PetscErrorCode Fit(PetscInt d, PetscInt M, SNAFitType type, PetscReal lambda, PetscReal rtol, PetscInt max_it, Vec X, Vec Y, SNA *sna)
{
  const PetscReal lo[MAX_D] = {-1, -1, -1}, hi[MAX_D] = {1, 1, 1};

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, sna));
  PetscCall(SNASetType(*sna, SNAKHRONOS));
  PetscCall(SNASetSizes(*sna, d, 2));
  PetscCall(SNASetBounds(*sna, lo, hi));
  PetscCall(SNAKhronosSetBasis(*sna, 2, 5, M));
  PetscCall(SNASetFitType(*sna, type));
  PetscCall(SNASetRegularization(*sna, lambda));
  PetscCall(SNASetTolerances(*sna, 0.0, rtol, max_it));
  PetscCall(SNASetFromOptions(*sna));
  PetscCall(SNAFit(*sna, X, Y));
  PetscFunctionReturn(0);
}

/* Fits N samples of the separable target and requires max |u - y| / max |y| <= tol on 1000 unseen points. */
static PetscErrorCode FitAndCheck(const char *label, PetscInt d, PetscInt M, PetscInt levels, PetscInt N, SNAFitType type, PetscReal tol)
{
  SNA       sna;
  Vec       X, Y, Xt, Yt, U;
  PetscReal ymax, dmax;
  PetscInt  its;

  PetscFunctionBegin;
  PetscCall(MakeData(d, PETSC_TRUE, levels, N, 1, &X, &Y));
  PetscCall(MakeData(d, PETSC_TRUE, 0, 1000, 2, &Xt, &Yt));
  PetscCall(Fit(d, M, type, 0.0, 1e-14, 300, X, Y, &sna));
  PetscCall(SNAGetIterationNumber(sna, &its));
  PetscCall(VecDuplicate(Yt, &U));
  PetscCall(SNAEvaluate(sna, Xt, U));
  PetscCall(VecNorm(Yt, NORM_INFINITY, &ymax));
  PetscCall(VecAXPY(U, -1.0, Yt));
  PetscCall(VecNorm(U, NORM_INFINITY, &dmax));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-52s sweeps %3" PetscInt_FMT "  max relative error on unseen points %.3e\n", label, its, (double)(dmax / ymax)));
  PetscCheck(dmax / ymax <= tol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: error %g above the tolerance %g", label, (double)(dmax / ymax), (double)tol);
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(VecDestroy(&Xt));
  PetscCall(VecDestroy(&Yt));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

/* Same number of sweeps by ALS and by single-step Newton from the same start on non-separable data:
   the parameters must agree to tol (relative to the largest). */
static PetscErrorCode CompareWithSingleStep(PetscInt sweeps, PetscInt levels, PetscInt N, PetscReal tol)
{
  SNA        als, id;
  Vec        X, Y;
  PetscInt   np;
  PetscReal *ta, *tb, diff = 0, scale = 0;

  PetscFunctionBegin;
  PetscCall(MakeData(3, PETSC_FALSE, levels, N, 3, &X, &Y));
  PetscCall(Fit(3, 3, SNAFITALS, 1e-10, 0.0, sweeps, X, Y, &als));
  PetscCall(Fit(3, 3, SNAFITINFINITEDESCENT, 1e-10, 0.0, sweeps, X, Y, &id));
  PetscCall(SNAGetNumParameters(als, &np));
  PetscCall(PetscMalloc2(np, &ta, np, &tb));
  PetscCall(SNAGetParameters(als, ta));
  PetscCall(SNAGetParameters(id, tb));
  for (PetscInt i = 0; i < np; i++) {
    diff  = PetscMax(diff, PetscAbsReal(ta[i] - tb[i]));
    scale = PetscMax(scale, PetscAbsReal(ta[i]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "ALS vs single-step, d = 3, M = 3, %" PetscInt_FMT " sweeps, non-separable, %s: max relative parameter difference %.2e\n", sweeps, levels > 1 ? "grid data" : "scattered", (double)(diff / scale)));
  PetscCheck(diff / scale <= tol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "ALS and single-step block updates differ by %g (relative) after %" PetscInt_FMT " sweeps", (double)(diff / scale), sweeps);
  PetscCall(PetscFree2(ta, tb));
  PetscCall(SNADestroy(&als));
  PetscCall(SNADestroy(&id));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscFunctionReturn(0);
}

/* groups x L samples of the non-separable target, sample g*L + j: inputs 0 and 1 the group's (pseudo-random), input 2
   position j's (equispaced); swap: samples 0 and 1 exchanged, which leaves the same rows but no product. */
static PetscErrorCode MakeProductData(PetscInt groups, PetscInt L, PetscBool swap, Vec *X, Vec *Y)
{
  PetscRandom rnd;
  PetscReal  *x, *y, r;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, 7));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 3 * groups * L, X));
  PetscCall(VecSetBlockSize(*X, 3));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * groups * L, Y));
  PetscCall(VecSetBlockSize(*Y, 2));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt g = 0; g < groups; g++) {
    PetscReal a, b;

    PetscCall(PetscRandomGetValueReal(rnd, &a));
    PetscCall(PetscRandomGetValueReal(rnd, &b));
    for (PetscInt j = 0; j < L; j++) {
      PetscReal *xi = x + 3 * (g * L + j);

      xi[0] = a;
      xi[1] = b;
      xi[2] = -1 + 2.0 * j / (L - 1);
    }
  }
  for (PetscInt t = 0; swap && t < 3; t++) {
    r        = x[t];
    x[t]     = x[3 + t];
    x[3 + t] = r;
  }
  for (PetscInt i = 0; i < groups * L; i++) Target(3, PETSC_FALSE, x + 3 * i, y + 2 * i);
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* The sweeps' training MSEs as the fit computes them (the product path has its own sum). */
typedef struct {
  PetscInt  n;
  PetscReal mse[64];
} SweepMSE;

static PetscErrorCode RecordMSE(SNA sna, PetscInt it, PetscReal mse, void *ctx)
{
  SweepMSE *r = (SweepMSE *)ctx;

  PetscFunctionBegin;
  (void)sna;
  (void)it;
  if (r->n < 64) r->mse[r->n++] = mse;
  PetscFunctionReturn(0);
}

/* The path the last fit of sna took: groups x L (ProductFind in khronosals.c), or groups = L = 0, not a product. */
static PetscErrorCode CheckProductPath(SNA sna, PetscInt groups, PetscInt L)
{
  const SNA_Khronos *kh = (SNA_Khronos *)sna->data;

  PetscFunctionBegin;
  PetscCheck(kh->als_product[0] == groups && kh->als_product[1] == L, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The fit summed the samples as %" PetscInt_FMT " groups x %" PetscInt_FMT " positions, expected %" PetscInt_FMT " x %" PetscInt_FMT " (0 x 0: not a product; khronosals.c ProductFind)", kh->als_product[0], kh->als_product[1], groups, L);
  PetscFunctionReturn(0);
}

/* ALS (with Anderson, whose trial points need the MSE) and single-step Newton on groups x positions against the same
   fits of the same rows with two swapped: parameters and sweep MSEs must agree to tol, and the first fit must have
   summed by groups and positions and the second not (else the two compare one path with itself). */
static PetscErrorCode CompareProduct(SNAFitType type, PetscInt sweeps, PetscReal tol)
{
  const PetscReal lo[MAX_D] = {-1, -1, -1}, hi[MAX_D] = {1, 1, 1};
  SNA             sna[2];
  SweepMSE        rec[2] = {{0}, {0}};
  PetscInt        np;
  PetscReal      *theta[2], diff = 0, scale = 0, mdiff = 0;
  PetscBool       als;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(type, SNAFITALS, &als));
  if (als) PetscCall(PetscOptionsSetValue(NULL, "-sna_fit_als_anderson", "5"));
  for (PetscInt k = 0; k < 2; k++) {
    Vec X, Y;

    PetscCall(MakeProductData(60, 25, (PetscBool)k, &X, &Y));
    PetscCall(SNACreate(PETSC_COMM_SELF, &sna[k]));
    PetscCall(SNASetType(sna[k], SNAKHRONOS));
    PetscCall(SNASetSizes(sna[k], 3, 2));
    PetscCall(SNASetBounds(sna[k], lo, hi));
    PetscCall(SNAKhronosSetBasis(sna[k], 2, 5, 3));
    PetscCall(SNASetFitType(sna[k], type));
    PetscCall(SNASetRegularization(sna[k], 1e-10));
    PetscCall(SNASetTolerances(sna[k], 0.0, 0.0, sweeps));
    PetscCall(SNASetFromOptions(sna[k]));
    PetscCall(SNAMonitorSet(sna[k], RecordMSE, &rec[k], NULL));
    PetscCall(SNAFit(sna[k], X, Y));
    PetscCall(CheckProductPath(sna[k], k ? 0 : 60, k ? 0 : 25));
    PetscCall(SNAGetNumParameters(sna[k], &np));
    PetscCall(PetscMalloc1(np, &theta[k]));
    PetscCall(SNAGetParameters(sna[k], theta[k]));
    PetscCall(VecDestroy(&X));
    PetscCall(VecDestroy(&Y));
  }
  if (als) PetscCall(PetscOptionsClearValue(NULL, "-sna_fit_als_anderson"));
  for (PetscInt i = 0; i < np; i++) {
    diff  = PetscMax(diff, PetscAbsReal(theta[0][i] - theta[1][i]));
    scale = PetscMax(scale, PetscAbsReal(theta[1][i]));
  }
  PetscCheck(rec[0].n == rec[1].n && rec[0].n > 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%" PetscInt_FMT " and %" PetscInt_FMT " sweep MSEs", rec[0].n, rec[1].n);
  for (PetscInt i = 0; i < rec[0].n; i++) mdiff = PetscMax(mdiff, PetscAbsReal(rec[0].mse[i] - rec[1].mse[i]) / rec[1].mse[i]);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s, 60 groups x 25 positions vs the same rows as no product, %" PetscInt_FMT " sweeps: max relative parameter difference %.2e, sweep MSEs %.2e\n", type, sweeps, (double)(diff / scale), (double)mdiff));
  PetscCheck(diff / scale <= tol && mdiff <= tol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "groups x positions and the same rows as no product differ: parameters %g, sweep MSEs %g (relative; limit %g)", (double)(diff / scale), (double)mdiff, (double)tol);
  for (PetscInt k = 0; k < 2; k++) {
    PetscCall(PetscFree(theta[k]));
    PetscCall(SNADestroy(&sna[k]));
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  /* 12000 samples: about 4000 per span, several tiles of rows (6 columns: about 1365 rows a tile) */
  PetscCall(FitAndCheck("ALS, d = 3, q = 2, M = 2, multi-tile spans", 3, 2, 0, 12000, SNAFITALS, 1e-11));
  PetscCall(FitAndCheck("single-step Newton, d = 3, q = 2, M = 2", 3, 2, 0, 12000, SNAFITINFINITEDESCENT, 1e-11));
  PetscCall(FitAndCheck("ALS, d = 1 (empty mode product), q = 2, M = 1", 1, 1, 0, 3000, SNAFITALS, 1e-12));
  PetscCall(CompareWithSingleStep(1, 0, 12000, 1e-11));
  PetscCall(CompareWithSingleStep(3, 0, 12000, 1e-11));
  /* grid data: 13 values per input (about 900 samples a run), and 5 (about 4800 samples a run: two tiles of M = 3
     columns, 2730 rows a tile) */
  PetscCall(FitAndCheck("ALS, d = 3, q = 2, M = 2, grid data (runs)", 3, 2, 13, 12000, SNAFITALS, 1e-11));
  PetscCall(FitAndCheck("ALS, d = 1, q = 2, M = 1, grid data (runs)", 1, 1, 13, 3000, SNAFITALS, 1e-12));
  PetscCall(CompareWithSingleStep(3, 13, 12000, 1e-11));
  PetscCall(CompareWithSingleStep(3, 5, 24000, 1e-11));
  PetscCall(CompareProduct(SNAFITALS, 8, 1e-12));
  PetscCall(CompareProduct(SNAFITINFINITEDESCENT, 3, 1e-12));
  PetscCall(PetscFinalize());
  return 0;
}
