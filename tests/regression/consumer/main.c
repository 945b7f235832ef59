/* Consumer of an installed SNAPS: builds a KHRONOS SNA (2 inputs, 1 output), sets it up without
   fitting, evaluates it at one point and prints the value. Built both with find_package(SNAPS)
   and with pkg-config by tests/regression/install_consumer.sh. */
#include <snaps.h>

int main(int argc, char **argv)
{
  SNA             sna;
  Vec             X, U;
  PetscInt        degree = 0, nodes = 0, modes = 0, d = 0, q = 0;
  const PetscReal lo[2] = {-1.0, 0.0}, hi[2] = {1.0, 2.0};
  PetscReal      *x;
  PetscScalar     u;
  PetscMPIInt     size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(SNAInitializePackage());
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 1, PETSC_COMM_WORLD, PETSC_ERR_SUP, "Run serially");
  PetscCall(SNACreate(PETSC_COMM_WORLD, &sna));
  PetscCall(SNASetType(sna, SNAKHRONOS));
  PetscCall(SNASetSizes(sna, 2, 1));
  PetscCall(SNAKhronosSetBasis(sna, 2, 8, 2));
  PetscCall(SNASetBounds(sna, lo, hi));
  PetscCall(SNASetUp(sna));
  PetscCall(SNAGetSizes(sna, &d, &q));
  PetscCall(SNAKhronosGetBasis(sna, &degree, &nodes, &modes));
  PetscCheck(d == 2 && q == 1 && degree == 2 && nodes == 8 && modes == 2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Unexpected SNA: d %" PetscInt_FMT " q %" PetscInt_FMT " degree %" PetscInt_FMT " nodes %" PetscInt_FMT " modes %" PetscInt_FMT, d, q, degree, nodes, modes);

  PetscCall(VecCreate(PETSC_COMM_WORLD, &X));
  PetscCall(VecSetSizes(X, 2, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(X, 2));
  PetscCall(VecSetFromOptions(X));
  PetscCall(VecCreate(PETSC_COMM_WORLD, &U));
  PetscCall(VecSetSizes(U, 1, PETSC_DETERMINE));
  PetscCall(VecSetBlockSize(U, 1));
  PetscCall(VecSetFromOptions(U));
  PetscCall(VecGetArray(X, &x));
  x[0] = 0.25;
  x[1] = 1.5;
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(SNAEvaluate(sna, X, U));
  PetscCall(VecSum(U, &u));
  PetscCheck(!PetscIsInfOrNanReal(u), PETSC_COMM_WORLD, PETSC_ERR_FP, "The SNA evaluated to %g", (double)u);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "snaps_consumer: SNAPS %s, khronos degree %" PetscInt_FMT ", %" PetscInt_FMT " nodes, %" PetscInt_FMT " modes: u(0.25, 1.5) = %.17g\n", SNAPS_VERSION, degree, nodes, modes, (double)u));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&X));
  PetscCall(SNADestroy(&sna));
  PetscCall(PetscFinalize());
  return 0;
}
