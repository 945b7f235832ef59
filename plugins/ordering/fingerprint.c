/* Operator fingerprints: a hash of the sparsity pattern in natural indices (see snaps/ordering.h). */
#include <snaps/ordering.h>
#include <petsc/private/petscimpl.h>
#include <stdint.h>
#include <inttypes.h>
#include <ctype.h>

/* The splitmix64 finaliser: a bijective mix of 64 bits, so distinct entries give unrelated terms. */
static inline uint64_t Mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* A global vector whose entry i holds the natural index of global index i. */
static PetscErrorCode NaturalIndices(SNAPSNatural nat, Vec *gidx)
{
  Vec          nv;
  PetscInt     lo, hi;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(SNAPSNaturalCreateVec(nat, &nv));
  PetscCall(VecGetOwnershipRange(nv, &lo, &hi));
  PetscCall(VecGetArray(nv, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = (PetscScalar)i; /* exact: indices are far below 2^53 */
  PetscCall(VecRestoreArray(nv, &a));
  PetscCall(SNAPSNaturalCreateGlobalVec(nat, gidx));
  PetscCall(SNAPSNaturalNaturalToGlobal(nat, nv, *gidx));
  PetscCall(VecDestroy(&nv));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSOperatorFingerprint - The fingerprint of an operator: a 64-bit hash of its sparsity pattern in natural indices
  and of its size, as 16 hexadecimal digits

  Collective

  Input Parameters:
+ A   - the operator, square; it must support MatGetRow() (AIJ and BAIJ do; SBAIJ, shell and MATIS matrices do not)
- nat - the natural-ordering map of A's row layout (SNAPSNaturalCreate())

  Output Parameter:
. hex - the fingerprint (SNAPS_FINGERPRINT_LEN characters with the terminating NUL)

  Notes:
  Every stored entry counts as a pair of natural row and column indices: the fingerprint does not depend on the
  values, the number of ranks or the order of the stored entries, but changes with the mesh, the element, the boundary
  treatment and the ordering. Raises PETSC_ERR_ARG_SIZ for a matrix that is not square and PETSC_ERR_ARG_INCOMP (on
  every rank) where its row layout differs from the map's vector layout on some rank.

  Level: intermediate

.seealso: SNAPSFingerprintIsValid(), SNAPSNaturalCreate(), SNAPSSnapshotsCreate()
@*/
PetscErrorCode SNAPSOperatorFingerprint(Mat A, SNAPSNatural nat, char hex[SNAPS_FINGERPRINT_LEN])
{
  MPI_Comm           comm;
  Vec                gidx, colnat;
  IS                 colis;
  VecScatter         scatter;
  PetscInt           rstart, rend, vstart, vend, M, N, nlocal = 0, k = 0;
  PetscInt          *cols;
  const PetscScalar *rowidx, *colidx;
  uint64_t           sums[2] = {0, 0}, totals[2];

  PetscFunctionBegin;
  PetscValidHeaderSpecific(A, MAT_CLASSID, 1);
  PetscCall(PetscObjectGetComm((PetscObject)A, &comm));
  PetscCall(MatGetSize(A, &M, &N));
  PetscCheck(M == N, comm, PETSC_ERR_ARG_SIZ, "The operator is %" PetscInt_FMT " x %" PetscInt_FMT ", not square", M, N);
  PetscCall(NaturalIndices(nat, &gidx));
  PetscCall(MatGetOwnershipRange(A, &rstart, &rend));
  PetscCall(VecGetOwnershipRange(gidx, &vstart, &vend));
  { /* decided on every rank: a rank whose rows match would otherwise go on into the collective scatter and hang
       there while the others return the error (a caller that handles errors) */
    PetscBool same = (PetscBool)(rstart == vstart && rend == vend), all;
    PetscCall(MPIU_Allreduce(&same, &all, 1, MPIU_BOOL, MPI_LAND, comm));
    if (!all) PetscCall(VecDestroy(&gidx));
    PetscCheck(all, comm, PETSC_ERR_ARG_INCOMP, "The operator's row layout differs from the vector layout of the natural map on some rank (on this one rows [%" PetscInt_FMT ", %" PetscInt_FMT "), vector [%" PetscInt_FMT ", %" PetscInt_FMT "))", rstart, rend, vstart, vend);
  }
  /* every stored column of the local rows, then their natural indices in one scatter */
  for (PetscInt r = rstart; r < rend; r++) {
    PetscInt ncols;
    PetscCall(MatGetRow(A, r, &ncols, NULL, NULL));
    nlocal += ncols;
    PetscCall(MatRestoreRow(A, r, &ncols, NULL, NULL));
  }
  PetscCall(PetscMalloc1(nlocal, &cols));
  for (PetscInt r = rstart; r < rend; r++) {
    PetscInt        ncols;
    const PetscInt *c;
    PetscCall(MatGetRow(A, r, &ncols, &c, NULL));
    for (PetscInt j = 0; j < ncols; j++) cols[k++] = c[j];
    PetscCall(MatRestoreRow(A, r, &ncols, &c, NULL));
  }
  PetscCall(ISCreateGeneral(PETSC_COMM_SELF, nlocal, cols, PETSC_OWN_POINTER, &colis));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, nlocal, &colnat));
  PetscCall(VecScatterCreate(gidx, colis, colnat, NULL, &scatter));
  PetscCall(VecScatterBegin(scatter, gidx, colnat, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, gidx, colnat, INSERT_VALUES, SCATTER_FORWARD));
  /* order-independent sum of mixed (row, column) pairs: the same for any partition */
  PetscCall(VecGetArrayRead(gidx, &rowidx));
  PetscCall(VecGetArrayRead(colnat, &colidx));
  k = 0;
  for (PetscInt r = rstart; r < rend; r++) {
    PetscInt       ncols;
    const uint64_t nr = (uint64_t)PetscRealPart(rowidx[r - rstart]);
    PetscCall(MatGetRow(A, r, &ncols, NULL, NULL));
    for (PetscInt j = 0; j < ncols; j++, k++) sums[0] += Mix64(nr * (uint64_t)N + (uint64_t)PetscRealPart(colidx[k]));
    PetscCall(MatRestoreRow(A, r, &ncols, NULL, NULL));
  }
  sums[1] = (uint64_t)nlocal;
  PetscCall(VecRestoreArrayRead(colnat, &colidx));
  PetscCall(VecRestoreArrayRead(gidx, &rowidx));
  PetscCall(VecScatterDestroy(&scatter));
  PetscCall(VecDestroy(&colnat));
  PetscCall(ISDestroy(&colis));
  PetscCall(VecDestroy(&gidx));
  PetscCallMPI(MPI_Allreduce(sums, totals, 2, MPI_UINT64_T, MPI_SUM, comm));
  PetscCall(PetscSNPrintf(hex, SNAPS_FINGERPRINT_LEN, "%016" PRIx64, Mix64(totals[0] ^ Mix64((uint64_t)N ^ Mix64(totals[1])))));
  PetscFunctionReturn(0);
}

/*@C
  SNAPSFingerprintIsValid - Whether text is exactly 16 hexadecimal digits, as SNAPSOperatorFingerprint() writes

  Not Collective

  Input Parameter:
. text - the text (NULL is not valid)

  Notes:
  Returns the answer (a PetscBool), not an error code. Readers and writers of snapshot and model files refuse any
  other text.

  Level: developer

.seealso: SNAPSOperatorFingerprint()
@*/
PetscBool SNAPSFingerprintIsValid(const char text[])
{
  size_t i;

  if (!text) return PETSC_FALSE;
  for (i = 0; text[i]; i++)
    if (i >= SNAPS_FINGERPRINT_LEN - 1 || !isxdigit((unsigned char)text[i])) return PETSC_FALSE;
  return (PetscBool)(i == SNAPS_FINGERPRINT_LEN - 1);
}
