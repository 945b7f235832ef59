/* SNAKhronosSetPolynomial: a KHRONOS model set to a polynomial evaluates it exactly on its (non-unit, offset) box,
   for terms of several degrees (constant, linear, squares, mixed cubics, a quartic) and two outputs; exponents
   beyond the spline degrees are refused; the sparse snapshot (SNAKhronosSparseCreate: 11 of the 21 factors are the
   constant one) evaluates it as SNAEvaluate does. Exits nonzero on the first failure. */
#include <snaps.h>

#define D 3
#define T 7
#define Q 2

/* The polynomial at x, output j: sum_m coef[m*Q + j] prod_p x_p^exps[m*D + p]. */
static PetscReal Polynomial(const PetscInt exps[], const PetscReal coef[], const PetscReal x[], PetscInt j)
{
  PetscReal s = 0;

  for (PetscInt m = 0; m < T; m++) {
    PetscReal v = coef[m * Q + j];
    for (PetscInt p = 0; p < D; p++) v *= PetscPowRealInt(x[p], exps[m * D + p]);
    s += v;
  }
  return s;
}

int main(int argc, char **argv)
{
  const PetscInt  exps[T * D] = {0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 1, 0, 1, 1, 1, 2, 0, 1, 0, 0, 4};
  const PetscReal coef[T * Q] = {0.5, -1, 2, 0.25, -3, 1, 1.5, 0, -0.75, 2, 0.3, -0.2, 0.1, 0.05};
  const PetscReal lo[D] = {-3, 0.5, -1}, hi[D] = {2, 4, 1.5};
  PetscReal       x[5 * D], y[5 * Q], err = 0, scale = 0;
  PetscInt        bad[D] = {0, 9, 0}, degree, nodes, modes;
  SNA             sna;
  PetscErrorCode  ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetType(sna, SNAKHRONOS));
  PetscCall(SNASetSizes(sna, D, Q));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNAKhronosSetPolynomial(sna, T, exps, coef));
  PetscCall(SNAKhronosGetBasis(sna, &degree, &nodes, &modes));
  PetscCheck(degree == 4 && nodes == 5 && modes == T, PETSC_COMM_SELF, PETSC_ERR_PLIB, "basis degree %" PetscInt_FMT ", nodes %" PetscInt_FMT ", modes %" PetscInt_FMT ": expected 4, 5, %d", degree, nodes, modes, T);
  for (PetscInt k = 0; k < 5; k++) /* the corners lo, hi and points inside */
    for (PetscInt p = 0; p < D; p++) x[k * D + p] = lo[p] + (hi[p] - lo[p]) * (k == 0 ? 0 : k == 1 ? 1
                                                                                                   : 0.13 * k + 0.07 * p);
  {
    Vec X, Y;
    PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, D, 5 * D, x, &X));
    PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, Q, 5 * Q, y, &Y));
    PetscCall(SNAEvaluate(sna, X, Y));
    PetscCall(VecDestroy(&X));
    PetscCall(VecDestroy(&Y));
  }
  for (PetscInt k = 0; k < 5; k++)
    for (PetscInt j = 0; j < Q; j++) {
      const PetscReal want = Polynomial(exps, coef, x + k * D, j);
      err                  = PetscMax(err, PetscAbsReal(y[k * Q + j] - want));
      scale                = PetscMax(scale, PetscAbsReal(want));
    }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "polynomial as KHRONOS: max error %.3e (values up to %.3g)\n", (double)err, (double)scale));
  PetscCheck(err <= 1e-12 * scale, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the KHRONOS model misses the polynomial by %g", (double)err);
  {
    SNAKhronosSparse sp;
    PetscReal        ys[5 * Q], diff = 0;
    PetscCall(SNAKhronosSparseCreate(sna, &sp));
    PetscCheck(sp, PETSC_COMM_SELF, PETSC_ERR_PLIB, "no sparse snapshot of a polynomial whose factors are half constant");
    PetscCall(SNAKhronosSparseEvaluate(sp, 5, x, ys));
    for (PetscInt i = 0; i < 5 * Q; i++) diff = PetscMax(diff, PetscAbsReal(ys[i] - y[i]));
    PetscCheck(diff <= 1e-13 * scale, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the sparse snapshot differs from SNAEvaluate by %g", (double)diff);
    PetscCall(SNAKhronosSparseDestroy(&sp));
  }
  PetscCall(SNADestroy(&sna));
  /* an exponent beyond the spline degrees is refused, naming it */
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetSizes(sna, D, 1));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAKhronosSetPolynomial(sna, 1, bad, coef);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PETSC_ERR_ARG_OUTOFRANGE, PETSC_COMM_SELF, PETSC_ERR_PLIB, "exponent 9 was not refused (error %d)", (int)ierr);
  PetscCall(SNADestroy(&sna));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "test_khronos_polynomial: all passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
