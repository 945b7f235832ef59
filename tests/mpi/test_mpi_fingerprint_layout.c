/* SNAPSOperatorFingerprint with an operator whose row layout differs from the natural map's on some ranks only
   (3 ranks: rows 2,2,2, vector 2,1,3: rank 0 matches). Every rank must return the error: a rank that matched went
   on into the collective scatter and waited there for the others, which had returned (a hang under an error
   handler that returns, as here). A natural map one entry longer than the operator (vector 2,2,3: only the last
   rank's rows end elsewhere) is refused too. The fingerprint of a fixed operator keeps its value: model and
   snapshot files store it, and a changed hash would refuse every file written before. */
#include <snaps.h>

/* Fingerprint of A with an identity natural map on a vector of local size vlocal and global size vsize; the error
   code, with errors returned, not raised. */
static PetscErrorCode Fingerprint(Mat A, PetscInt vlocal, PetscInt vsize, char hex[SNAPS_FINGERPRINT_LEN], PetscErrorCode *ierr)
{
  Vec          v;
  SNAPSNatural nat;

  PetscFunctionBegin;
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, vlocal, vsize, &v));
  PetscCall(SNAPSNaturalCreate(NULL, v, &nat));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  *ierr = SNAPSOperatorFingerprint(A, nat, hex);
  PetscCall(PetscPopErrorHandler());
  PetscCall(SNAPSNaturalDestroy(&nat));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Mat            A;
  PetscMPIInt    rank, size;
  PetscInt       rstart, rend;
  const PetscInt vlocal[3] = {2, 1, 3}, vlonger[3] = {2, 2, 3};
  char           hex[SNAPS_FINGERPRINT_LEN];
  PetscBool      same;
  PetscErrorCode ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 3, PETSC_COMM_WORLD, PETSC_ERR_WRONG_MPI_SIZE, "run on 3 ranks, not %d", size);
  /* rows r hold (r, r) and (r, r + 1 mod 6): a pattern that is not symmetric */
  PetscCall(MatCreateAIJ(PETSC_COMM_WORLD, 2, 2, 6, 6, 2, NULL, 1, NULL, &A));
  PetscCall(MatGetOwnershipRange(A, &rstart, &rend));
  for (PetscInt r = rstart; r < rend; r++) {
    PetscCall(MatSetValue(A, r, r, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(A, r, (r + 1) % 6, 1.0, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(Fingerprint(A, vlocal[rank], 6, hex, &ierr));
  PetscCheck(ierr == PETSC_ERR_ARG_INCOMP, PETSC_COMM_SELF, PETSC_ERR_PLIB, "rank %d: error %d, not PETSC_ERR_ARG_INCOMP", rank, (int)ierr);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "test_mpi_fingerprint_layout: the layout mismatch is refused on every rank\n"));
  PetscCall(Fingerprint(A, vlonger[rank], 7, hex, &ierr));
  PetscCheck(ierr == PETSC_ERR_ARG_INCOMP, PETSC_COMM_SELF, PETSC_ERR_PLIB, "rank %d: a natural map of 7 entries for 6 rows: error %d, not PETSC_ERR_ARG_INCOMP", rank, (int)ierr);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "test_mpi_fingerprint_layout: a natural map longer than the operator is refused on every rank\n"));
  PetscCall(Fingerprint(A, 2, 6, hex, &ierr));
  PetscCall(ierr);
  PetscCall(PetscStrcmp(hex, "6ed60706a1af2ba9", &same));
  PetscCheck(same, PETSC_COMM_SELF, PETSC_ERR_PLIB, "rank %d: the fingerprint of the fixed operator is %s, not 6ed60706a1af2ba9 as written into earlier files", rank, hex);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "test_mpi_fingerprint_layout: the fixed operator's fingerprint is %s\n", hex));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
