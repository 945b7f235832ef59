static const char help[] = "KHRONOS single-step fit (-sna_fit_type infinite_descent): every block update is one Newton step on\n"
                           "the block's optimality condition, which must equal the ALS block solution to rounding.\n";

/* The two fits run through different code: ALS solves the block's normal equations for the new block,
   the single step solves for the increment from the gradient of the whole loss (the type's gradient op).
   Since the loss is quadratic in each block, both land on the same block optimum, so from the same start
   the models must agree to rounding after one sweep and after several (with refinement and enrichment). */
#include <snaps.h>
#include <snaps/private/khronosimpl.h>

/* A non-separable smooth target on [-1,1]^2, so that several sweeps keep changing the model. */
static PetscErrorCode MakeData(PetscInt N, Vec *X, Vec *Y)
{
  PetscRandom rnd;
  PetscReal  *x, *y;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(PetscRandomSetSeed(rnd, 3));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * N, X));
  PetscCall(VecSetBlockSize(*X, 2));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * N, Y));
  PetscCall(VecSetBlockSize(*Y, 2));
  PetscCall(VecSetRandom(*X, rnd));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    y[2 * i]     = PetscSinReal(2 * x[2 * i] + x[2 * i + 1]) + x[2 * i] * x[2 * i + 1];
    y[2 * i + 1] = PetscExpReal(-x[2 * i] * x[2 * i + 1]);
  }
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(0);
}

/* Fits a fresh model (same seed, so the same start) with the given fit type and sweeps. */
static PetscErrorCode Fit(SNAFitType type, PetscInt sweeps, PetscInt refine, PetscBool enrich, Vec X, Vec Y, SNA *sna)
{
  const PetscReal lo[2] = {-1, -1}, hi[2] = {1, 1};

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, sna));
  PetscCall(SNASetSizes(*sna, 2, 2));
  PetscCall(SNASetBounds(*sna, lo, hi));
  PetscCall(SNAKhronosSetBasis(*sna, 2, 6, 3));
  PetscCall(SNAKhronosSetRefinement(*sna, refine, enrich));
  PetscCall(SNASetRegularization(*sna, 1e-10));
  PetscCall(SNASetTolerances(*sna, 0.0, 0.0, sweeps));
  PetscCall(SNASetFitType(*sna, type));
  PetscCall(SNAFit(*sna, X, Y));
  PetscFunctionReturn(0);
}

/* Max |theta_a - theta_b| / max |theta_a| over all parameters. */
static PetscErrorCode Compare(SNA a, SNA b, PetscReal *rel)
{
  PetscInt   na, nb;
  PetscReal *ta, *tb, diff = 0, scale = 0;

  PetscFunctionBegin;
  PetscCall(SNAGetNumParameters(a, &na));
  PetscCall(SNAGetNumParameters(b, &nb));
  PetscCheck(na == nb, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The fits have different sizes (%" PetscInt_FMT " and %" PetscInt_FMT " parameters)", na, nb);
  PetscCall(PetscMalloc2(na, &ta, nb, &tb));
  PetscCall(SNAGetParameters(a, ta));
  PetscCall(SNAGetParameters(b, tb));
  for (PetscInt i = 0; i < na; i++) {
    diff  = PetscMax(diff, PetscAbsReal(ta[i] - tb[i]));
    scale = PetscMax(scale, PetscAbsReal(ta[i]));
  }
  *rel = diff / scale;
  PetscCall(PetscFree2(ta, tb));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Vec             X, Y;
  const PetscInt  sweeps[] = {1, 6, 4};
  const PetscInt  refine[] = {0, 0, 1};
  const PetscBool enrich[] = {PETSC_FALSE, PETSC_FALSE, PETSC_TRUE};

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(MakeData(800, &X, &Y));
  for (PetscInt c = 0; c < 3; c++) {
    SNA              als, id;
    PetscReal        rel, mse_als, mse_id;
    SNAFitStatistics st;

    PetscCall(Fit(SNAFITALS, sweeps[c], refine[c], enrich[c], X, Y, &als));
    PetscCall(Fit(SNAFITINFINITEDESCENT, sweeps[c], refine[c], enrich[c], X, Y, &id));
    PetscCall(Compare(als, id, &rel));
    PetscCall(SNAComputeMSE(als, X, Y, &mse_als));
    PetscCall(SNAComputeMSE(id, X, Y, &mse_id));
    PetscCall(SNAGetFitStatistics(id, &st));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%" PetscInt_FMT " sweeps per level, refine %" PetscInt_FMT ", enrich %d: max relative parameter difference %.2e, MSE ALS %.6e single-step %.6e (%" PetscInt_FMT " block steps)\n", sweeps[c], refine[c], (int)enrich[c], (double)rel, (double)mse_als, (double)mse_id, st.inner));
    PetscCheck(rel < 1e-11, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The single-step block updates differ from the ALS block solutions by %g (relative)", (double)rel);
    PetscCheck(st.inner > 0 && st.gradient == st.inner, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Every single-step block update must use one gradient evaluation (%" PetscInt_FMT " steps, %" PetscInt_FMT " gradients)", st.inner, st.gradient);
    PetscCall(SNADestroy(&als));
    PetscCall(SNADestroy(&id));
  }
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscFinalize());
  return 0;
}
