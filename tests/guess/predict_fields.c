static const char help[] = "SNAGuessPredictFields() on PETSc's KSP tutorial ex2 matrix and its model (see ex2_snapshots.c).\n\n"
                           "  -matrix <A.bin>  the matrix ex2 wrote with -ksp_view_mat binary:A.bin\n"
                           "  -m <m> -n <n>    ex2's grid\n"
                           "  -case ok|columns|rows|nan|empty|twice|badop|baddm  ok: the fields at 3 points are the family's exact\n"
                           "                   solutions; columns, rows, nan give the function a bad argument, which it must reject;\n"
                           "                   empty: no point (nothing to do); twice: KSPSetFromOptions() again, then the fields again\n"
                           "                   (-info shows whether the model was loaded again); badop: the model's load must fail\n"
                           "                   (a corrupt /operator) and leave no HDF5 object open; baddm: so must the guess's set-up\n"
                           "                   for a KSP whose DM (a DMDA of m + 1 by n points) is not the operator's size\n"
                           "The model comes through -ksp_guess_type sna -ksp_guess_sna_model <model.h5>.\n";

#include <snaps.h>
#include <petscdmda.h>
#include <hdf5.h>

int main(int argc, char **argv)
{
  const char *const cases[]                     = {"ok", "columns", "rows", "nan", "empty", "twice", "badop", "baddm"};
  char              matfile[PETSC_MAX_PATH_LEN] = "";
  PetscInt          m = 24, n = 20, which = 0, N = 3, rows, lo, hi;
  PetscReal         mu[6] = {0, 0, 0.5, 0.25, 1, 1}, worst = 0;
  PetscViewer       viewer;
  Mat               A, X;
  KSP               ksp;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(SNAGuessInitializePackage());
  PetscCall(PetscOptionsGetString(NULL, NULL, "-matrix", matfile, sizeof(matfile), NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-m", &m, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCall(PetscOptionsGetEList(NULL, NULL, "-case", cases, 8, &which, NULL));
  PetscCheck(matfile[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Give -matrix");
  PetscCall(PetscViewerBinaryOpen(PETSC_COMM_WORLD, matfile, FILE_MODE_READ, &viewer));
  PetscCall(MatCreate(PETSC_COMM_WORLD, &A));
  PetscCall(MatLoad(A, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  if (which == 7) { /* a DM of another size than the operator, which the guess's natural ordering refuses */
    DM da;

    PetscCall(DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, m + 1, n, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, &da));
    PetscCall(DMSetUp(da));
    PetscCall(KSPSetDM(ksp, da));
    PetscCall(KSPSetDMActive(ksp, PETSC_FALSE));
    PetscCall(DMDestroy(&da));
  }
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(MatGetSize(A, &rows, NULL));
  PetscCall(MatGetOwnershipRange(A, &lo, &hi));
  if (which == 2) rows++; /* a matrix laid out for another problem */
  PetscCall(MatCreateDense(PETSC_COMM_WORLD, which == 2 ? PETSC_DECIDE : hi - lo, PETSC_DECIDE, rows, which == 1 ? N + 1 : N, NULL, &X));
  if (which == 3) mu[3] = NAN;
  if (which == 4) { /* no point: an empty matrix, nothing to do */
    PetscCall(MatDestroy(&X));
    PetscCall(MatCreateDense(PETSC_COMM_WORLD, hi - lo, PETSC_DECIDE, rows, 0, NULL, &X));
    PetscCall(SNAGuessPredictFields(ksp, 0, NULL, X));
    N = 0;
  } else if (which == 6 || which == 7) { /* the load fails; the error returns here instead of aborting */
    PetscErrorCode ierr;
    ssize_t        open;

    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = SNAGuessPredictFields(ksp, N, mu, X);
    PetscCall(PetscPopErrorHandler());
    PetscCheck(ierr, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s was accepted", which == 6 ? "The model with a corrupt /operator" : "A DM of another size than the operator");
    open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "predict_fields: the load failed (error %d); HDF5 objects left open: %d\n", (int)ierr, (int)open));
    PetscCheck(open == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The failed load left %d HDF5 objects open", (int)open);
    N = 0;
  } else {
    PetscCall(SNAGuessPredictFields(ksp, N, mu, X));
    if (which == 5) {
      PetscCall(KSPSetFromOptions(ksp));
      PetscCall(SNAGuessPredictFields(ksp, N, mu, X));
    }
  }
  /* the training family u(mu) = (1 + mu1 (x - y)) (1 + mu2 x y) is bilinear in mu, which the model's
     linear KHRONOS represents exactly: every predicted field is the family's solution */
  for (PetscInt j = 0; j < N; j++) {
    const PetscScalar *x;
    PetscReal          err = 0, norm = 0;
    PetscCall(MatDenseGetArrayRead(X, &x));
    for (PetscInt row = lo; row < hi; row++) {
      const PetscReal xi = (PetscReal)(row / n + 1) / (m + 1), yj = (PetscReal)(row % n + 1) / (n + 1);
      const PetscReal u = (1 + mu[2 * j] * (xi - yj)) * (1 + mu[2 * j + 1] * xi * yj);
      err += PetscSqr(PetscRealPart(x[j * (hi - lo) + row - lo]) - u);
      norm += u * u;
    }
    PetscCall(MatDenseRestoreArrayRead(X, &x));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &err, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &norm, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
    worst = PetscMax(worst, PetscSqrtReal(err / norm));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "predict_fields: %" PetscInt_FMT " fields, largest relative error against the exact family %.3e\n", N, (double)worst));
  PetscCheck(worst < 1e-8, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "The predicted fields are not the family's solutions (relative error %g)", (double)worst);
  PetscCall(MatDestroy(&X));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
