static const char help[] = "A fit with ranks that hold no samples (N = 1 on 2 ranks, N = 2 on 4 ranks: PETSc's default split) must\n"
                           "work and equal the fit of the same data on one process (rank 0 alone), to -tol relative in the\n"
                           "parameters and in the predictions. Options: -n_samples N (default 1), -tol t (default 1e-8), plus\n"
                           "any -sna_ option (-sna_type aion -sna_fit_type tao, ...).\n";

#include <snaps.h>
#include "reldiff.h"

/* Samples [start, end) of a 1-D sequence on [0.1, 0.9] with a smooth target (a damped cosine). */
static PetscErrorCode MakeData(MPI_Comm comm, PetscInt N, PetscInt start, PetscInt end, Vec *X, Vec *Y)
{
  PetscReal *x, *y;

  PetscFunctionBegin;
  PetscCall(VecCreateMPI(comm, end - start, PETSC_DETERMINE, X));
  PetscCall(VecCreateMPI(comm, end - start, PETSC_DETERMINE, Y));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = start; i < end; i++) {
    x[i - start] = N > 1 ? 0.1 + 0.8 * i / (N - 1) : 0.3;
    y[i - start] = PetscCosReal(3 * x[i - start]) * PetscExpReal(-x[i - start]);
  }
  PetscCall(VecRestoreArray(*Y, &y));
  PetscCall(VecRestoreArray(*X, &x));
  PetscFunctionReturn(0);
}

/* Fits a fresh SNA (1 input, 1 output; a small KHRONOS basis unless the options say otherwise) and returns
   its parameters (allocated) and its predictions at 33 points of [0, 1] (every rank gets all). */
static PetscErrorCode FitAndPredict(MPI_Comm comm, Vec X, Vec Y, PetscInt *np, PetscReal **theta, PetscReal pred[33])
{
  SNA                sna;
  Vec                G;
  VecScatter         all;
  Vec                G0;
  const PetscReal   *g;
  PetscReal          grid[33];
  const PetscInt     ng[1]     = {33};
  const PetscReal   *coords[1] = {grid};
  SNAConvergedReason reason;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 33; i++) grid[i] = i / 32.0;
  PetscCall(SNACreate(comm, &sna));
  PetscCall(SNASetSizes(sna, 1, 1));
  PetscCall(SNAKhronosSetBasis(sna, 2, 4, 1));
  PetscCall(SNASetBounds(sna, (PetscReal[]){0}, (PetscReal[]){1}));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNAFit(sna, X, Y));
  PetscCall(SNAGetConvergedReason(sna, &reason));
  PetscCheck(reason > 0, comm, PETSC_ERR_NOT_CONVERGED, "The fit did not converge: %s", SNAConvergedReasons[reason]);
  PetscCall(SNAGetNumParameters(sna, np));
  PetscCall(PetscMalloc1(*np, theta));
  PetscCall(SNAGetParameters(sna, *theta));
  PetscCall(SNACreateGridVec(sna, ng, &G));
  PetscCall(SNAEvaluateGrid(sna, ng, coords, G));
  PetscCall(VecScatterCreateToAll(G, &all, &G0));
  PetscCall(VecScatterBegin(all, G, G0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(all, G, G0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(G0, &g));
  PetscCall(PetscArraycpy(pred, g, 33));
  PetscCall(VecRestoreArrayRead(G0, &g));
  PetscCall(VecScatterDestroy(&all));
  PetscCall(VecDestroy(&G0));
  PetscCall(VecDestroy(&G));
  PetscCall(SNADestroy(&sna));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscMPIInt rank, size;
  PetscInt    N = 1, n = PETSC_DECIDE, start, npP, npS = -1, empty;
  Vec         X, Y;
  PetscReal  *thP, *thS = NULL, predP[33], predS[33], diff[2] = {0, 0}, tol = 1e-8;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n_samples", &N, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tol", &tol, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscSplitOwnership(PETSC_COMM_WORLD, &n, &N));
  PetscCallMPI(MPI_Scan(&n, &start, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  start -= n;
  empty = n ? 0 : 1;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &empty, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCheck(size == 1 || empty > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "No rank is empty: run with more ranks than -n_samples");
  PetscCall(MakeData(PETSC_COMM_WORLD, N, start, start + n, &X, &Y));
  PetscCall(FitAndPredict(PETSC_COMM_WORLD, X, Y, &npP, &thP, predP));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  if (rank == 0) { /* the reference: the same data on one process */
    PetscCall(MakeData(PETSC_COMM_SELF, N, 0, N, &X, &Y));
    PetscCall(FitAndPredict(PETSC_COMM_SELF, X, Y, &npS, &thS, predS));
    PetscCheck(npS == npP, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Serial and parallel models differ in size");
    diff[0] = RelDiff(npS, thS, thP);
    diff[1] = RelDiff(33, predS, predP);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%" PetscInt_FMT " samples on %d ranks (%" PetscInt_FMT " empty) vs one process: relative difference of the parameters %.2e, of the predictions %.2e\n", N, size, empty, (double)diff[0], (double)diff[1]));
    PetscCall(VecDestroy(&X));
    PetscCall(VecDestroy(&Y));
  }
  PetscCallMPI(MPI_Bcast(diff, 2, MPIU_REAL, 0, PETSC_COMM_WORLD));
  PetscCheck(diff[0] <= tol && diff[1] <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The fit with empty ranks differs from the one-process fit: parameters %g, predictions %g (limit %g)", (double)diff[0], (double)diff[1], (double)tol);
  PetscCall(PetscFree(thP));
  PetscCall(PetscFree(thS));
  PetscCall(PetscFinalize());
  return 0;
}
