/* SNAKhronosEvaluateRows, the rollout surrogates' path for their categorical heads: KHRONOS models of the heads' shapes
   (2 and 3 inputs, 16 outputs, 8 modes, quadratic splines on 4 nodes) and one of other sizes, with random
   parameters, evaluated at rows inside and beyond their boxes (clamped), one row at a time and several at once,
   give SNAEvaluate's values bit for bit, and each output equals that of a one-output copy of the model (C's column
   j), which the evaluation sums in its scalar tail loop, not in its blocks of 4 outputs: an independent reference for
   the blocks. An SNA that is not set up is refused naming the function. Exits nonzero on the first failure. */
#include <snaps.h>

/* One model of d inputs, q outputs, M modes on the box [-1 - p, 2 + p]: SNAKhronosEvaluateRows against SNAEvaluate at
   n rows (a tenth of them beyond the box), all rows together and one at a time; the largest difference in *diff. */
/* A count of the entries that differ (NaN included), and the largest difference, into *bad and *diff. */
static void Differ(PetscInt n, const PetscReal a[], PetscInt sa, const PetscReal b[], PetscInt sb, PetscInt *bad, PetscReal *diff)
{
  for (PetscInt i = 0; i < n; i++) {
    if (a[i * sa] != b[i * sb]) (*bad)++;
    *diff = PetscMax(*diff, PetscAbsReal(a[i * sa] - b[i * sb]));
  }
}

/* Output j of the model (its parameters theta, np of them, M modes, q outputs) at the n rows x, from a one-output copy
   with C's column j, into yj (n values). */
static PetscErrorCode OneOutput(SNA sna, const PetscReal theta[], PetscInt np, PetscInt M, PetscInt q, PetscInt j, PetscInt n, const PetscReal x[], PetscReal yj[])
{
  SNA              one;
  PetscReal       *t1, *work;
  const PetscReal *lo, *hi;
  PetscInt         d, degree, nodes, nW = np - M * q;

  PetscFunctionBegin;
  PetscCall(SNAGetSizes(sna, &d, NULL));
  PetscCall(SNAKhronosGetBasis(sna, &degree, &nodes, NULL));
  PetscCall(PetscMalloc2(nW + M, &t1, 2 * M, &work));
  PetscCall(SNAGetBounds(sna, &lo, &hi));
  PetscCall(SNACreate(PETSC_COMM_SELF, &one));
  PetscCall(SNASetType(one, SNAKHRONOS));
  PetscCall(SNASetSizes(one, d, 1));
  PetscCall(SNAKhronosSetBasis(one, degree, nodes, M));
  PetscCall(SNASetBounds(one, lo, hi));
  PetscCall(SNASetUp(one));
  PetscCall(PetscArraycpy(t1, theta, nW));
  for (PetscInt m = 0; m < M; m++) t1[nW + m] = theta[nW + m * q + j];
  PetscCall(SNASetParameters(one, t1));
  PetscCall(SNAKhronosEvaluateRows(one, n, x, yj, work));
  PetscCall(SNADestroy(&one));
  PetscCall(PetscFree2(t1, work));
  PetscFunctionReturn(0);
}

static PetscErrorCode CompareRows(PetscInt d, PetscInt q, PetscInt degree, PetscInt nodes, PetscInt M, PetscInt n, PetscRandom rnd, PetscInt *bad, PetscReal *diff)
{
  SNA        sna;
  PetscReal *lo, *hi, *theta, *x, *y, *yrows, *yj, *work;
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
  PetscCall(PetscMalloc5(np, &theta, n * d, &x, n * q, &y, n * q, &yrows, n, &yj));
  PetscCall(PetscMalloc1(2 * M, &work)); /* alone: an overrun of it is then its own block's */
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
  Differ(n * q, yrows, 1, y, 1, bad, diff);
  for (PetscInt j = 0; j < q; j++) {
    PetscCall(OneOutput(sna, theta, np, M, q, j, n, x, yj));
    Differ(n, yrows + j, q, yj, 1, bad, diff);
  }
  for (PetscInt k = 0; k < n; k++) PetscCall(SNAKhronosEvaluateRows(sna, 1, x + k * d, yrows + k * q, work));
  Differ(n * q, yrows, 1, y, 1, bad, diff);
  PetscCall(PetscFree5(theta, x, y, yrows, yj));
  PetscCall(PetscFree(work));
  PetscCall(PetscFree2(lo, hi));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscRandom    rnd;
  PetscReal      diff = 0, x[2] = {0, 0}, y[4], work[16];
  PetscInt       bad = 0;
  SNA            sna;
  PetscErrorCode ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 11));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(CompareRows(2, 16, 2, 4, 8, 50, rnd, &bad, &diff)); /* the heads of -head_local */
  PetscCall(CompareRows(3, 16, 2, 4, 8, 50, rnd, &bad, &diff));
  PetscCall(CompareRows(5, 3, 3, 7, 5, 40, rnd, &bad, &diff));
  PetscCall(CompareRows(3, 7, 2, 5, 6, 30, rnd, &bad, &diff)); /* a block of 4 outputs and a tail of 3 */
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "SNAKhronosEvaluateRows against SNAEvaluate and one-output copies: %" PetscInt_FMT " values differ, largest difference %g (must be none: the same bits)\n", bad, (double)diff));
  PetscCheck(bad == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNAKhronosEvaluateRows differs in %" PetscInt_FMT " values, by up to %g", bad, (double)diff);
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
