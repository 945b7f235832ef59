/* The natural ordering of a distributed DMPlex: a 6 x 6 quad mesh with one dof per vertex, distributed with
   (-use_natural) or without DMSetUseNatural(). Prints the map's kind and the operator fingerprint, which must be
   the same on any number of ranks; without the natural SF a distributed mesh must be refused on every rank. */
#include <snaps.h>
#include <petscdmplex.h>

/* One dof per vertex. */
static PetscErrorCode VertexSection(DM dm)
{
  PetscSection s;
  PetscInt     vs, ve, ps, pe;

  PetscFunctionBegin;
  PetscCall(PetscSectionCreate(PetscObjectComm((PetscObject)dm), &s));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vs, &ve));
  PetscCall(DMPlexGetChart(dm, &ps, &pe));
  PetscCall(PetscSectionSetChart(s, ps, pe));
  for (PetscInt v = vs; v < ve; v++) PetscCall(PetscSectionSetDof(s, v, 1));
  PetscCall(PetscSectionSetUp(s));
  PetscCall(DMSetLocalSection(dm, s));
  PetscCall(PetscSectionDestroy(&s));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  DM           dm, dmd = NULL;
  Mat          A;
  Vec          x;
  SNAPSNatural nat;
  const char  *kind;
  char         hex[SNAPS_FINGERPRINT_LEN];
  PetscBool    usenat = PETSC_FALSE;
  PetscMPIInt  size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-use_natural", &usenat, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(DMPlexCreateBoxMesh(PETSC_COMM_WORLD, 2, PETSC_FALSE, (PetscInt[]){6, 6}, NULL, NULL, NULL, PETSC_TRUE, &dm));
  if (usenat) { /* the section must exist before the distribution for PETSc to build the natural SF */
    PetscCall(VertexSection(dm));
    PetscCall(DMSetUseNatural(dm, PETSC_TRUE));
  }
  PetscCall(DMPlexDistribute(dm, 0, NULL, &dmd));
  if (dmd) {
    PetscCall(DMDestroy(&dm));
    dm = dmd;
  }
  if (!usenat) PetscCall(VertexSection(dm));
  PetscCall(DMCreateMatrix(dm, &A));
  PetscCall(DMCreateGlobalVector(dm, &x));
  PetscCall(SNAPSNaturalCreate(dm, x, &nat));
  PetscCall(SNAPSNaturalGetKind(nat, &kind));
  PetscCall(SNAPSOperatorFingerprint(A, nat, hex));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ranks %d use_natural %d: natural kind '%s', fingerprint %s\n", size, (int)usenat, kind, hex));
  PetscCall(SNAPSNaturalDestroy(&nat));
  PetscCall(VecDestroy(&x));
  PetscCall(MatDestroy(&A));
  PetscCall(DMDestroy(&dm));
  PetscCall(PetscFinalize());
  return 0;
}
