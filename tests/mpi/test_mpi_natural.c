/* The natural ordering of a distributed DMPlex: a 6 x 6 quad mesh with one dof per vertex, distributed with
   (-use_natural) or without DMSetUseNatural(). Prints the map's kind and the operator fingerprint, which must be
   the same on any number of ranks; without the natural SF a distributed mesh must be refused on every rank.
   -constrained: the boundary vertices' dofs constrained (Dirichlet), which PETSc 3.18 cannot map: refused.
   -dmda: a 7 x 5 DMDA (split along x by -da_processors_x 2 on 2 ranks, so its global rows are not the natural
   ones) with a 5-point operator assembled in its global ordering; the map must put each value at its natural
   index, and the fingerprint must be the 1-rank one (mutation audit s22, n2: a DMDA map taken as the identity passed).
   The DMPlex runs also map each vertex's value 1 + i + 7 j (grid point (i, j)) to the natural ordering and back: the
   natural vector's checksum sum (k + 1) n_k must be the 1-rank one (where natural = global = the serial ordering) and
   the round trip exact; 40425 = sum (k + 1)^2, i.e. each vertex (i, j) at natural index i + 7 j (mutation audit s23,
   n3: until then only the fingerprint, i.e. one direction, was checked). */
#include <snaps.h>
#include <petscdmda.h>
#include <petscdmplex.h>

/* One dof per vertex; constrained on the boundary (label "marker" of the box mesh) if asked. */
static PetscErrorCode VertexSection(DM dm, PetscBool constrained)
{
  PetscSection s;
  PetscInt     vs, ve, ps, pe;
  DMLabel      marker = NULL;

  PetscFunctionBegin;
  PetscCall(PetscSectionCreate(PetscObjectComm((PetscObject)dm), &s));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vs, &ve));
  PetscCall(DMPlexGetChart(dm, &ps, &pe));
  PetscCall(PetscSectionSetChart(s, ps, pe));
  if (constrained) PetscCall(DMGetLabel(dm, "marker", &marker));
  PetscCheck(!constrained || marker, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the box mesh has no label 'marker'");
  for (PetscInt v = vs; v < ve; v++) {
    PetscInt value = -1;
    PetscCall(PetscSectionSetDof(s, v, 1));
    if (marker) PetscCall(DMLabelGetValue(marker, v, &value));
    if (value >= 0) PetscCall(PetscSectionSetConstraintDof(s, v, 1));
  }
  PetscCall(PetscSectionSetUp(s));
  for (PetscInt v = vs; v < ve && marker; v++) {
    PetscInt value;
    PetscCall(DMLabelGetValue(marker, v, &value));
    if (value >= 0) PetscCall(PetscSectionSetConstraintIndices(s, v, (const PetscInt[]){0}));
  }
  PetscCall(DMSetLocalSection(dm, s));
  PetscCall(PetscSectionDestroy(&s));
  PetscFunctionReturn(0);
}

/* Each vertex of the 6 x 6 box mesh on [0,1]^2 holds 1 + i + 7 j, from its coordinates (i/6, j/6), in a global vector g;
   g mapped to the natural ordering gives the checksum sum (k + 1) n_k over natural indices k (the same on any number of
   ranks when the map is right), and mapped back the largest difference from g (0 when the map is right). */
static PetscErrorCode PlexValues(DM dm, SNAPSNatural nat, PetscReal *checksum, PetscReal *roundtrip)
{
  DM                 cdm;
  PetscSection       s, cs;
  Vec                loc, g, g2, n, coords;
  PetscScalar       *la;
  const PetscScalar *ca, *nv;
  PetscInt           vs, ve, lo, hi;
  PetscReal          sum = 0;

  PetscFunctionBegin;
  PetscCall(DMGetCoordinateDM(dm, &cdm));
  PetscCall(DMGetLocalSection(cdm, &cs));
  PetscCall(DMGetCoordinatesLocal(dm, &coords));
  PetscCall(DMGetLocalSection(dm, &s));
  PetscCall(DMPlexGetDepthStratum(dm, 0, &vs, &ve));
  PetscCall(DMGetLocalVector(dm, &loc));
  PetscCall(VecGetArray(loc, &la));
  PetscCall(VecGetArrayRead(coords, &ca));
  for (PetscInt v = vs; v < ve; v++) {
    PetscInt off, coff;
    PetscCall(PetscSectionGetOffset(s, v, &off));
    PetscCall(PetscSectionGetOffset(cs, v, &coff));
    la[off] = 1 + PetscFloorReal(6 * PetscRealPart(ca[coff]) + 0.5) + 7 * PetscFloorReal(6 * PetscRealPart(ca[coff + 1]) + 0.5);
  }
  PetscCall(VecRestoreArrayRead(coords, &ca));
  PetscCall(VecRestoreArray(loc, &la));
  PetscCall(DMCreateGlobalVector(dm, &g));
  PetscCall(DMLocalToGlobal(dm, loc, INSERT_VALUES, g));
  PetscCall(DMRestoreLocalVector(dm, &loc));
  PetscCall(SNAPSNaturalCreateVec(nat, &n));
  PetscCall(SNAPSNaturalGlobalToNatural(nat, g, n));
  PetscCall(VecGetOwnershipRange(n, &lo, &hi));
  PetscCall(VecGetArrayRead(n, &nv));
  for (PetscInt k = lo; k < hi; k++) sum += (PetscReal)(k + 1) * PetscRealPart(nv[k - lo]);
  PetscCall(VecRestoreArrayRead(n, &nv));
  PetscCall(MPIU_Allreduce(&sum, checksum, 1, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)dm)));
  PetscCall(VecDuplicate(g, &g2));
  PetscCall(VecSet(g2, -1.0));
  PetscCall(SNAPSNaturalNaturalToGlobal(nat, n, g2));
  PetscCall(VecAXPY(g2, -1.0, g));
  PetscCall(VecNorm(g2, NORM_INFINITY, roundtrip));
  PetscCall(VecDestroy(&g2));
  PetscCall(VecDestroy(&n));
  PetscCall(VecDestroy(&g));
  PetscFunctionReturn(0);
}

/* A 7 x 5 DMDA with a 5-point operator whose diagonal varies with the grid point (so a permutation of rows changes
   the fingerprint), assembled by grid indices; the map's kind, a check of each natural value and the fingerprint. */
static PetscErrorCode CheckDMDA(void)
{
  DM                 da;
  Mat                A;
  Vec                g, n;
  SNAPSNatural       nat;
  DMDALocalInfo      info;
  PetscScalar      **a;
  const PetscScalar *nv;
  const char        *kind;
  char               hex[SNAPS_FINGERPRINT_LEN];
  PetscInt           lo, hi, bad = 0, badall, px, py;
  PetscMPIInt        size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, 7, 5, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, &da));
  PetscCall(DMSetFromOptions(da));
  PetscCall(DMSetUp(da));
  PetscCall(DMDAGetLocalInfo(da, &info));
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, &px, &py, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMCreateMatrix(da, &A));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++) {
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      MatStencil  row = {.i = i, .j = j}, col[5];
      PetscScalar v[5];
      PetscInt    k = 0;
      col[k]        = row;
      v[k++]        = 4 + i + 10 * j;
      if (i > 0) col[k] = (MatStencil){.i = i - 1, .j = j}, v[k++] = -1;
      if (i < info.mx - 1) col[k] = (MatStencil){.i = i + 1, .j = j}, v[k++] = -1;
      if (j > 0) col[k] = (MatStencil){.i = i, .j = j - 1}, v[k++] = -1;
      if (j < info.my - 1) col[k] = (MatStencil){.i = i, .j = j + 1}, v[k++] = -1;
      PetscCall(MatSetValuesStencil(A, 1, &row, k, col, v, INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(DMCreateGlobalVector(da, &g));
  PetscCall(DMDAVecGetArray(da, g, &a)); /* each grid point holds its natural index i + mx j */
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) a[j][i] = i + info.mx * j;
  PetscCall(DMDAVecRestoreArray(da, g, &a));
  PetscCall(SNAPSNaturalCreate(da, g, &nat));
  PetscCall(SNAPSNaturalGetKind(nat, &kind));
  PetscCall(SNAPSNaturalCreateVec(nat, &n));
  PetscCall(SNAPSNaturalGlobalToNatural(nat, g, n));
  PetscCall(VecGetOwnershipRange(n, &lo, &hi));
  PetscCall(VecGetArrayRead(n, &nv));
  for (PetscInt r = lo; r < hi; r++) bad += PetscRealPart(nv[r - lo]) != (PetscReal)r;
  PetscCall(VecRestoreArrayRead(n, &nv));
  PetscCall(MPIU_Allreduce(&bad, &badall, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCall(SNAPSOperatorFingerprint(A, nat, hex));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ranks %d dmda %" PetscInt_FMT " x %" PetscInt_FMT " on %" PetscInt_FMT " x %" PetscInt_FMT " ranks: natural kind '%s', %" PetscInt_FMT " natural entries misplaced, fingerprint %s\n", size, info.mx, info.my, px, py, kind, badall, hex));
  PetscCall(SNAPSNaturalDestroy(&nat));
  PetscCall(VecDestroy(&n));
  PetscCall(VecDestroy(&g));
  PetscCall(MatDestroy(&A));
  PetscCall(DMDestroy(&da));
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
  PetscBool    usenat = PETSC_FALSE, constrained = PETSC_FALSE, dmda = PETSC_FALSE;
  PetscMPIInt  size;
  PetscReal    checksum, roundtrip;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-use_natural", &usenat, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-constrained", &constrained, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-dmda", &dmda, NULL));
  if (dmda) {
    PetscCall(CheckDMDA());
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(DMPlexCreateBoxMesh(PETSC_COMM_WORLD, 2, PETSC_FALSE, (PetscInt[]){6, 6}, NULL, NULL, NULL, PETSC_TRUE, &dm));
  if (usenat) { /* the section must exist before the distribution for PETSc to build the natural SF */
    PetscCall(VertexSection(dm, constrained));
    PetscCall(DMSetUseNatural(dm, PETSC_TRUE));
  }
  PetscCall(DMPlexDistribute(dm, 0, NULL, &dmd));
  if (dmd) {
    PetscCall(DMDestroy(&dm));
    dm = dmd;
  }
  if (!usenat) PetscCall(VertexSection(dm, constrained));
  PetscCall(DMCreateMatrix(dm, &A));
  PetscCall(DMCreateGlobalVector(dm, &x));
  PetscCall(SNAPSNaturalCreate(dm, x, &nat));
  PetscCall(SNAPSNaturalGetKind(nat, &kind));
  PetscCall(SNAPSOperatorFingerprint(A, nat, hex));
  PetscCall(PlexValues(dm, nat, &checksum, &roundtrip));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ranks %d use_natural %d: natural kind '%s', fingerprint %s, natural checksum %.0f, round trip error %g\n", size, (int)usenat, kind, hex, (double)checksum, (double)roundtrip));
  PetscCall(SNAPSNaturalDestroy(&nat));
  PetscCall(VecDestroy(&x));
  PetscCall(MatDestroy(&A));
  PetscCall(DMDestroy(&dm));
  PetscCall(PetscFinalize());
  return 0;
}
