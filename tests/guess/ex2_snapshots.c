static const char help[] = "Training snapshots for PETSc's KSP tutorial ex2, from the tutorial's own matrix.\n\n"
                           "  -matrix <A.bin>   the matrix ex2 wrote with -ksp_view_mat binary:A.bin\n"
                           "  -m <m> -n <n>     ex2's grid (its unknowns are numbered i*n + j)\n"
                           "  -samples <s>      s x s parameter samples on [0,1]^2 (default 4)\n"
                           "  -snapshots <f.h5> the snapshot file for snaps-pod\n"
                           "The family u(x, y; mu) = (1 + mu1 (x - y)) (1 + mu2 x y) with x = (i+1)/(m+1), y = (j+1)/(n+1)\n"
                           "contains ex2's exact solution u = 1 at mu = (0, 0); b = A u is computed, not solved for.\n";

#include <snaps.h>

int main(int argc, char **argv)
{
  char           matfile[PETSC_MAX_PATH_LEN] = "", snapfile[PETSC_MAX_PATH_LEN] = "", fingerprint[SNAPS_FINGERPRINT_LEN];
  PetscInt       m = 8, n = 7, s = 4, lo, hi, N;
  PetscViewer    viewer;
  Mat            A;
  Vec            u, b;
  SNAPSNatural   nat;
  SNAPSSnapshots snaps;
  PetscBool      help_only;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-matrix", matfile, sizeof(matfile), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-snapshots", snapfile, sizeof(snapfile), NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-m", &m, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-samples", &s, NULL));
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  if (help_only) { /* PetscInitialize printed the help above: a help run reads, writes and checks nothing */
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCheck(matfile[0] && snapfile[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "Give -matrix and -snapshots");
  PetscCall(PetscViewerBinaryOpen(PETSC_COMM_WORLD, matfile, FILE_MODE_READ, &viewer));
  PetscCall(MatCreate(PETSC_COMM_WORLD, &A));
  PetscCall(MatSetFromOptions(A));
  PetscCall(MatLoad(A, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCheck(N == m * n, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "The matrix has %" PetscInt_FMT " rows, not m n = %" PetscInt_FMT, N, m * n);
  PetscCall(MatCreateVecs(A, &u, &b));
  /* ex2 has no DM: its global ordering is already the natural one */
  PetscCall(SNAPSNaturalCreate(NULL, u, &nat));
  PetscCall(SNAPSOperatorFingerprint(A, nat, fingerprint));
  PetscCall(SNAPSSnapshotsCreate(PETSC_COMM_WORLD, snapfile, 2, fingerprint, &snaps));
  PetscCall(VecGetOwnershipRange(u, &lo, &hi));
  for (PetscInt a = 0; a < s; a++) {
    for (PetscInt c = 0; c < s; c++) {
      const PetscReal mu[2] = {(PetscReal)a / (s - 1), (PetscReal)c / (s - 1)};
      PetscScalar    *x;
      PetscCall(VecGetArray(u, &x));
      for (PetscInt row = lo; row < hi; row++) {
        const PetscReal xi = (PetscReal)(row / n + 1) / (m + 1), yj = (PetscReal)(row % n + 1) / (n + 1);
        x[row - lo] = (1 + mu[0] * (xi - yj)) * (1 + mu[1] * xi * yj);
      }
      PetscCall(VecRestoreArray(u, &x));
      PetscCall(MatMult(A, u, b));
      PetscCall(SNAPSSnapshotsAdd(snaps, mu, u, b));
    }
  }
  PetscCall(SNAPSSnapshotsClose(&snaps));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ex2_snapshots: %" PetscInt_FMT " snapshots of size %" PetscInt_FMT ", fingerprint %s\n", s * s, N, fingerprint));
  PetscCall(SNAPSNaturalDestroy(&nat));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&b));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
