/* bench/aion_vp.c (bench_aion's variable-projection baseline) from a start whose amplitude columns are linearly
   dependent: two identical atoms. The least-squares amplitudes are then undefined: back substitution divided by a
   diagonal of R at roundoff level and gave amplitudes of +-6e13 that cancel, and the stall exit called that
   converged. The fit must leave the start's parameters and not claim convergence; from a start with distinct atoms
   it must still run and give finite parameters. */
#include <snaps.h>
#include "aion_vp.h"

static PetscErrorCode Fit(Vec X, Vec Y, const PetscReal theta0[], PetscReal theta[], AionVPResult *res)
{
  const PetscReal lo[1] = {0}, hi[1] = {1};
  AionVPOptions   opt = {50, 1e-12, NULL, NULL};
  SNA             sna;

  PetscFunctionBegin;
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetType(sna, SNAAION));
  PetscCall(SNASetSizes(sna, 1, 1));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNAAionSetAtoms(sna, 1, 2));
  PetscCall(SNASetRegularization(sna, 0.0));
  PetscCall(SNASetParameters(sna, theta0));
  PetscCall(AionVPFit(sna, X, Y, &opt, res));
  PetscCall(SNAGetParameters(sna, theta));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PetscInt  N       = 200;
  const PetscReal same[8] = {1.0, -1.0, 8.0, 0.5, 1.0, -1.0, 8.0, 0.5}, distinct[8] = {1.4, -1.1, 8.2, 0.5, 0.01, 0.5, 3.0, 0.0};
  PetscReal       th[8];
  PetscScalar    *x, *y;
  Vec             X, Y;
  AionVPResult    res;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, &X));
  PetscCall(VecDuplicate(X, &Y));
  PetscCall(VecGetArray(X, &x));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    x[i] = (PetscReal)i / (N - 1);
    y[i] = 1.5 * PetscExpReal(-1.2 * x[i]) * PetscCosReal(8 * x[i] + 0.6);
  }
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(Fit(X, Y, same, th, &res));
  for (PetscInt j = 0; j < 8; j++) PetscCheck(th[j] == same[j], PETSC_COMM_SELF, PETSC_ERR_PLIB, "identical atoms: parameter %" PetscInt_FMT " = %g after the fit, not the start %g", j, (double)th[j], (double)same[j]);
  PetscCheck(!res.converged, PETSC_COMM_SELF, PETSC_ERR_PLIB, "identical atoms: the fit claims convergence");
  PetscCall(Fit(X, Y, distinct, th, &res));
  for (PetscInt j = 0; j < 8; j++) PetscCheck(!PetscIsInfOrNanReal(th[j]), PETSC_COMM_SELF, PETSC_ERR_PLIB, "distinct atoms: parameter %" PetscInt_FMT " = %g after the fit", j, (double)th[j]);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "test_aion_vp: dependent amplitude columns leave finite parameters (%" PetscInt_FMT " iterations from distinct atoms)\n", res.iterations));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscFinalize());
  return 0;
}
