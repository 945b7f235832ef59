static const char help[] = "SNAPSOptionsWarnUnused: an option counts as used when any rank used it. The last rank alone reads\n"
                           "-last_rank_only; no rank reads -read_by_none. Run with both: the warning at exit names -read_by_none only.\n";

#include <snaps.h>

int main(int argc, char **argv)
{
  PetscMPIInt rank, size;
  PetscBool   set;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  if (rank == size - 1) PetscCall(PetscOptionsHasName(NULL, NULL, "-last_rank_only", &set));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
