static const char help[] = "KHRONOS gradient against finite differences, and a TAO fit that must reduce the loss.\n";

#include <snaps.h>
#include <snaps/private/khronosimpl.h>

int main(int argc, char **argv)
{
  SNA            sna;
  Vec            X, Y;
  PetscReal     *x, *y, *theta, *grad, f0, fp, fm, mse0, mse1, worst = 0;
  PetscRandom    rnd;
  PetscInt       np, its;
  const PetscInt N = 300, d = 3, q = 2;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, d * N, &X));
  PetscCall(VecSetBlockSize(X, d));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, q * N, &Y));
  PetscCall(VecSetBlockSize(Y, q));
  PetscCall(VecSetRandom(X, rnd));
  PetscCall(VecGetArray(X, &x));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    y[q * i]     = PetscSinReal(2 * x[d * i]) * (1 + x[d * i + 1] * x[d * i + 2]);
    y[q * i + 1] = PetscExpReal(-x[d * i + 1]) * x[d * i + 2];
  }
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetSizes(sna, d, q));
  {
    const PetscReal lo[3] = {-1, -1, -1}, hi[3] = {1, 1, 1};
    PetscCall(SNASetBounds(sna, lo, hi));
  }
  PetscCall(SNAKhronosSetBasis(sna, 2, 7, 3));
  PetscCall(SNASetUp(sna));
  PetscCall(SNAGetNumParameters(sna, &np));
  PetscCheck(np == d * 7 * 3 + 3 * q, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Parameter count %" PetscInt_FMT " is not d*G*M + M*q", np);

  /* gradient of 1/2 sum |u - y|^2 against central differences, at random parameters */
  PetscCall(PetscMalloc2(np, &theta, np, &grad));
  for (PetscInt i = 0; i < np; i++) PetscCall(PetscRandomGetValueReal(rnd, &theta[i]));
  PetscCall((*sna->ops->setparameters)(sna, theta));
  PetscCall(PetscArrayzero(grad, np));
  PetscCall(VecGetArrayRead(Y, (const PetscReal **)&y));
  PetscCall((*sna->ops->lossgradientlocal)(sna, N, x, y, &f0, grad));
  for (PetscInt i = 0; i < np; i++) {
    const PetscReal h = 1e-6, keep = theta[i];
    PetscReal       dummy[1024];
    PetscCheck(np <= 1024, PETSC_COMM_SELF, PETSC_ERR_PLIB, "test buffer too small");
    theta[i] = keep + h;
    PetscCall((*sna->ops->setparameters)(sna, theta));
    PetscCall((*sna->ops->lossgradientlocal)(sna, N, x, y, &fp, dummy));
    theta[i] = keep - h;
    PetscCall((*sna->ops->setparameters)(sna, theta));
    PetscCall((*sna->ops->lossgradientlocal)(sna, N, x, y, &fm, dummy));
    theta[i] = keep;
    worst    = PetscMax(worst, PetscAbsReal((fp - fm) / (2 * h) - grad[i]) / (1 + PetscAbsReal(grad[i])));
  }
  PetscCall(VecRestoreArrayRead(Y, (const PetscReal **)&y));
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "gradient vs central differences over %" PetscInt_FMT " parameters: max relative error %.3e\n", np, (double)worst));
  PetscCheck(worst < 1e-6, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Gradient disagrees with finite differences: %g", (double)worst);

  /* TAO (LMVM) from the default initialisation must cut the training MSE by at least 100x */
  PetscCall((*sna->ops->setparameters)(sna, theta));
  PetscCall(SNAComputeMSE(sna, X, Y, &mse0));
  PetscCall(SNASetFitType(sna, SNAFITTAO));
  PetscCall(SNASetTolerances(sna, 0, 0, 300));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAComputeMSE(sna, X, Y, &mse1));
  PetscCall(SNAGetIterationNumber(sna, &its));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "TAO fit: MSE %.3e -> %.3e in %" PetscInt_FMT " iterations\n", (double)mse0, (double)mse1, its));
  PetscCheck(mse1 < 1e-2 * mse0 && its > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "TAO did not reduce the loss enough (%g -> %g)", (double)mse0, (double)mse1);

  /* a fit refused inside SNAFit_TAO (a lambda given to brgn, which minimises the residuals alone) frees what it made
     (TAO, its vectors, the gradient and best point's storage) before it returns: a caller that catches the error goes
     on with nothing leaked (run with -malloc_debug, which measures the memory in use) */
  {
    PetscErrorCode ierr;
    PetscLogDouble before, after;

    PetscCall(PetscOptionsSetValue(NULL, "-sna_fit_tao_type", "brgn"));
    PetscCall(SNASetRegularization(sna, 1e-3));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    (void)SNAFit(sna, X, Y); /* a first failure: the caches of the evaluations the fit makes are then in place */
    PetscCall(PetscMallocGetCurrentUsage(&before));
    ierr = SNAFit(sna, X, Y);
    PetscCall(PetscPopErrorHandler());
    PetscCall(PetscMallocGetCurrentUsage(&after));
    PetscCall(PetscOptionsClearValue(NULL, "-sna_fit_tao_type"));
    PetscCheck(ierr == PETSC_ERR_ARG_INCOMP, PETSC_COMM_SELF, PETSC_ERR_PLIB, "A TAO brgn fit with a lambda given should be refused (PETSC_ERR_ARG_INCOMP), not give %d", (int)ierr);
    PetscCheck(after <= before, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The refused TAO fit left %g bytes allocated", (double)(after - before));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "a refused TAO fit leaks nothing\n"));
  }
  PetscCall(PetscFree2(theta, grad));
  PetscCall(SNADestroy(&sna));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return 0;
}
