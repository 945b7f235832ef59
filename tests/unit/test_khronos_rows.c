/* SNAKhronosEvaluateRows, the rollout surrogates' path for their categorical heads: KHRONOS models of the heads' shapes
   (2 and 3 inputs, 16 outputs, 8 modes, quadratic splines on 4 nodes) and one of other sizes, with random
   parameters, evaluated at rows inside and beyond their boxes (clamped), one row at a time and several at once,
   give SNAEvaluate's values bit for bit; an SNA that is not set up is refused naming the function. Exits nonzero on
   the first failure. */
#include <snaps.h>

/* One model of d inputs, q outputs, M modes on the box [-1 - p, 2 + p]: SNAKhronosEvaluateRows against SNAEvaluate at
   n rows (a tenth of them beyond the box), all rows together and one at a time; the largest difference in *diff. */
static PetscErrorCode CompareRows(PetscInt d, PetscInt q, PetscInt degree, PetscInt nodes, PetscInt M, PetscInt n, PetscRandom rnd, PetscReal *diff)
{
  SNA        sna;
  PetscReal *lo, *hi, *theta, *x, *y, *yrows, *work;
  PetscInt   np;
  Vec        X, Y;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetType(sna, SNAKHRONOS));
  PetscCall(SNASetSizes(sna, d, q));
  PetscCall(SNAKhronosSetBasis(sna, degree, nodes, M));
  PetscCall(PetscMalloc2(d, &lo, d, &hi));
  for (PetscInt p = 0; p < d; p++) {
    lo[p] = -1 - p;
    hi[p] = 2 + p;
  }
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNASetUp(sna));
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCall(PetscMalloc5(np, &theta, n * d, &x, n * q, &y, n * q, &yrows, 2 * M, &work));
  for (PetscInt k = 0; k < np; k++) PetscCall(PetscRandomGetValueReal(rnd, &theta[k]));
  PetscCall(SNASetParameters(sna, theta));
  for (PetscInt i = 0; i < n * d; i++) {
    const PetscInt p = i % d;
    PetscReal      u;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    x[i] = lo[p] + (hi[p] - lo[p]) * (i % 10 == 3 ? 1.5 * u - 0.25 : u); /* some beyond the box on either side */
  }
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, d, n * d, x, &X));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, q, n * q, y, &Y));
  PetscCall(SNAEvaluate(sna, X, Y));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(SNAKhronosEvaluateRows(sna, n, x, yrows, work));
  for (PetscInt i = 0; i < n * q; i++) *diff = PetscMax(*diff, PetscAbsReal(yrows[i] - y[i]) + (yrows[i] != y[i]));
  for (PetscInt k = 0; k < n; k++) PetscCall(SNAKhronosEvaluateRows(sna, 1, x + k * d, yrows + k * q, work));
  for (PetscInt i = 0; i < n * q; i++) *diff = PetscMax(*diff, PetscAbsReal(yrows[i] - y[i]) + (yrows[i] != y[i]));
  PetscCall(PetscFree5(theta, x, y, yrows, work));
  PetscCall(PetscFree2(lo, hi));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscRandom    rnd;
  PetscReal      diff = 0, x[2] = {0, 0}, y[4], work[16];
  SNA            sna;
  PetscErrorCode ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 11));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(CompareRows(2, 16, 2, 4, 8, 50, rnd, &diff)); /* the heads of -head_local */
  PetscCall(CompareRows(3, 16, 2, 4, 8, 50, rnd, &diff));
  PetscCall(CompareRows(5, 3, 3, 7, 5, 40, rnd, &diff));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "SNAKhronosEvaluateRows against SNAEvaluate: largest difference %g (must be 0: the same bits)\n", (double)diff));
  PetscCheck(diff == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNAKhronosEvaluateRows differs from SNAEvaluate by %g", (double)diff);
  /* a khronos SNA neither fitted nor loaded has nothing to evaluate */
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetType(sna, SNAKHRONOS));
  PetscCall(SNASetSizes(sna, 2, 2));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAKhronosEvaluateRows(sna, 1, x, y, work);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PETSC_ERR_ARG_WRONGSTATE, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNAKhronosEvaluateRows on an SNA that is not set up returned %d, not PETSC_ERR_ARG_WRONGSTATE", (int)ierr);
  PetscCall(SNADestroy(&sna));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return 0;
}
