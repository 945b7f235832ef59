/* SNAPSOperatorFingerprint with an operator whose row layout differs from the natural map's on some ranks only
   (3 ranks: rows 2,2,2, vector 2,1,3: rank 0 matches). Every rank must return the error: a rank that matched went
   on into the collective scatter and waited there for the others, which had returned (a hang under an error
   handler that returns, as here). */
#include <snaps.h>

int main(int argc, char **argv)
{
  Mat            A;
  Vec            v;
  SNAPSNatural   nat;
  PetscMPIInt    rank, size;
  PetscInt       rstart, rend;
  const PetscInt vlocal[3] = {2, 1, 3};
  char           hex[SNAPS_FINGERPRINT_LEN];
  PetscErrorCode ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 3, PETSC_COMM_WORLD, PETSC_ERR_WRONG_MPI_SIZE, "run on 3 ranks, not %d", size);
  PetscCall(MatCreateAIJ(PETSC_COMM_WORLD, 2, 2, 6, 6, 1, NULL, 0, NULL, &A));
  PetscCall(MatGetOwnershipRange(A, &rstart, &rend));
  for (PetscInt r = rstart; r < rend; r++) PetscCall(MatSetValue(A, r, r, 1.0, INSERT_VALUES));
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, vlocal[rank], 6, &v));
  PetscCall(SNAPSNaturalCreate(NULL, v, &nat));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = SNAPSOperatorFingerprint(A, nat, hex);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PETSC_ERR_ARG_INCOMP, PETSC_COMM_SELF, PETSC_ERR_PLIB, "rank %d: error %d, not PETSC_ERR_ARG_INCOMP", rank, (int)ierr);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "test_mpi_fingerprint_layout: the layout mismatch is refused on every rank\n"));
  PetscCall(SNAPSNaturalDestroy(&nat));
  PetscCall(VecDestroy(&v));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
