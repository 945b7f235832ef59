static const char help[] = "Solves with the sna guess on PETSc's KSP tutorial ex2 matrix (see ex2_snapshots.c), where the program\n"
                           "changes what the guess was set up for, or sets its parameters early.\n\n"
                           "  -matrix <A.bin>  the matrix ex2 wrote with -ksp_view_mat binary:A.bin\n"
                           "  -m <m> -n <n>    ex2's grid\n"
                           "  -case layout|dm|early|params|other  layout: a second solve after KSPReset() with a copy of A whose rows are\n"
                           "                   spread over the ranks otherwise (same global size); dm: a second solve after\n"
                           "                   KSPSetDM() (a DMDA of the grid, not active); early: SNAGuessSetParameters(0, 0)\n"
                           "                   before KSPSetFromOptions() creates the guess; params: two solves of the same A with the\n"
                           "                   parameters (0, 0), then (1, 1) from SNAGuessSetParameters(); other: a second solve\n"
                           "                   of another problem with the same sparsity pattern, 4 A u = A 1 (u = 1/4)\n"
                           "The exact solution is u = 1 (ex2's), the training sample mu = (0, 0): the iterations of every solve are\n"
                           "printed, and each solve must reach u.\n";

#include <snaps.h>
#include <petscdmda.h>

/* Solves A x = A u, u = value everywhere, from x = 0 (the guess replaces it) and checks x = u. */
static PetscErrorCode SolveConstant(KSP ksp, Mat A, PetscScalar value, PetscInt *its)
{
  Vec       x, b, u;
  PetscReal err;

  PetscFunctionBegin;
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecDuplicate(x, &u));
  PetscCall(VecSet(u, value));
  PetscCall(MatMult(A, u, b));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetIterationNumber(ksp, its));
  PetscCall(VecAXPY(x, -1.0, u));
  PetscCall(VecNorm(x, NORM_INFINITY, &err));
  PetscCheck(err < 1e-4, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The solve did not reach the exact solution (error %g)", (double)err);
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&u));
  PetscFunctionReturn(0);
}

/* A copy of A with the first quarter of the rows on rank 0 and the rest on the others (an even split otherwise). */
static PetscErrorCode Redistribute(Mat A, Mat *B)
{
  PetscInt    M, lo, hi, nloc;
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(MatGetSize(A, &M, NULL));
  nloc = size == 1 ? M : (rank == 0 ? M / 4 : (M - M / 4) / (size - 1) + (rank <= (M - M / 4) % (size - 1) ? 1 : 0));
  PetscCall(MatCreateAIJ(PETSC_COMM_WORLD, nloc, nloc, M, M, 5, NULL, 5, NULL, B));
  PetscCall(MatGetOwnershipRange(A, &lo, &hi));
  for (PetscInt i = lo; i < hi; i++) {
    PetscInt           ncols;
    const PetscInt    *cols;
    const PetscScalar *v;
    PetscCall(MatGetRow(A, i, &ncols, &cols, &v));
    PetscCall(MatSetValues(*B, 1, &i, ncols, cols, v, INSERT_VALUES));
    PetscCall(MatRestoreRow(A, i, &ncols, &cols, &v));
  }
  PetscCall(MatAssemblyBegin(*B, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*B, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const char *const cases[]                     = {"layout", "dm", "early", "params", "other"};
  char              matfile[PETSC_MAX_PATH_LEN] = "";
  PetscInt          m = 24, n = 20, which = 0, its[2] = {-1, -1};
  PetscViewer       viewer;
  Mat               A, B = NULL;
  KSP               ksp;
  DM                da = NULL;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAGuessInitializePackage());
  PetscCall(PetscOptionsGetString(NULL, NULL, "-matrix", matfile, sizeof(matfile), NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-m", &m, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCall(PetscOptionsGetEList(NULL, NULL, "-case", cases, 5, &which, NULL));
  PetscCheck(matfile[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Give -matrix");
  PetscCall(PetscViewerBinaryOpen(PETSC_COMM_WORLD, matfile, FILE_MODE_READ, &viewer));
  PetscCall(MatCreate(PETSC_COMM_WORLD, &A));
  PetscCall(MatLoad(A, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  if (which == 2) {
    const PetscReal mu[2] = {0, 0};
    PetscCall(SNAGuessSetParameters(ksp, 2, mu)); /* before the guess exists: kept for it */
  }
  PetscCall(KSPSetFromOptions(ksp));
  if (which == 3) {
    const PetscReal mu[2] = {0, 0};
    PetscCall(SNAGuessSetParameters(ksp, 2, mu));
  }
  PetscCall(SolveConstant(ksp, A, 1, &its[0]));
  if (which == 0) {
    PetscCall(Redistribute(A, &B));
    PetscCall(KSPReset(ksp)); /* PETSc refuses another layout of the same KSP's operators without it */
    PetscCall(KSPSetOperators(ksp, B, B));
    PetscCall(SolveConstant(ksp, B, 1, &its[1]));
  } else if (which == 3) { /* the same A (same state): only the parameters change */
    const PetscReal mu[2] = {1, 1};
    PetscCall(SNAGuessSetParameters(ksp, 2, mu));
    PetscCall(SolveConstant(ksp, A, 1, &its[1]));
  } else if (which == 4) { /* 4 A: the same pattern (fingerprint), another problem; the model predicts 1, not 1/4 */
    PetscCall(MatDuplicate(A, MAT_COPY_VALUES, &B));
    PetscCall(MatScale(B, 4.0));
    PetscCall(KSPSetOperators(ksp, B, B));
    PetscCall(SolveConstant(ksp, B, 0.25, &its[1]));
  } else if (which == 1) {
    /* ex2's row i n + j is grid point (i, j), j fastest: a DMDA of n x m points, x fastest, orders alike */
    PetscCall(DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n, m, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, &da));
    PetscCall(DMSetUp(da));
    PetscCall(KSPSetDM(ksp, da));
    PetscCall(KSPSetDMActive(ksp, PETSC_FALSE)); /* the operators stay A's */
    PetscCall(SolveConstant(ksp, A, 1, &its[1]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "guess_solves: %s: iterations %" PetscInt_FMT " and %" PetscInt_FMT "\n", cases[which], its[0], its[1]));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(DMDestroy(&da));
  PetscCall(MatDestroy(&B));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
