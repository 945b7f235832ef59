/* Rank-independent ("natural") vector ordering and operator fingerprints.

   A model trained from solution snapshots must not depend on how many ranks produced them. SNAPS
   stores every field vector in a natural ordering that is the same for any number of ranks:
   - a KSP or program without a DM (a matrix assembled by global row, like PETSc's KSP ex2): the
     global ordering of the Vec, which PETSc numbers independently of the rank count already;
   - a DMDA: its natural (lexicographic) ordering (DMDAGlobalToNaturalBegin/End);
   - a DMPlex with a natural SF (DMSetUseNatural() before DMPlexDistribute()): the ordering of the
     serial mesh. PETSc 3.18 builds a correct natural SF only for sections without constrained
     dofs, so Dirichlet conditions must be assembled into the matrix (see solvers/poisson/paramfem.c);
     a natural vector of another size than the global one is rejected.
   A DMPlex that was never distributed has no natural SF; its global ordering is then the serial one,
   which is the natural ordering. A DMPlex distributed without DMSetUseNatural() is refused (collective
   error): its global ordering is the partition's, which depends on the number of ranks.

   The fingerprint identifies the discrete problem a model was trained for: a 64-bit hash of the
   operator's sparsity pattern (every stored entry as a pair of natural row and column indices) and
   of its size. It does not depend on the matrix values (parameters may change them), on the number
   of ranks, or on the order in which entries are stored, but it changes with the mesh, the element,
   the boundary treatment and the ordering. */
#pragma once

#include <petscdm.h>
#include <petscmat.h>

/* Characters of a fingerprint as text: 16 hexadecimal digits and the terminating zero. */
#define SNAPS_FINGERPRINT_LEN 17

/* A map between a global vector layout and the natural ordering. */
typedef struct _n_SNAPSNatural *SNAPSNatural;

/* Pages at the definitions (plugins/ordering/natural.c). */
PETSC_EXTERN PetscErrorCode SNAPSNaturalCreate(DM, Vec, SNAPSNatural *);
PETSC_EXTERN PetscErrorCode SNAPSNaturalOrderingDM(DM, DM *);
PETSC_EXTERN PetscErrorCode SNAPSNaturalCreateVec(SNAPSNatural, Vec *);
PETSC_EXTERN PetscErrorCode SNAPSNaturalCreateGlobalVec(SNAPSNatural, Vec *);
PETSC_EXTERN PetscErrorCode SNAPSNaturalGlobalToNatural(SNAPSNatural, Vec, Vec);
PETSC_EXTERN PetscErrorCode SNAPSNaturalNaturalToGlobal(SNAPSNatural, Vec, Vec);
PETSC_EXTERN PetscErrorCode SNAPSNaturalGetKind(SNAPSNatural, const char *[]);
PETSC_EXTERN PetscErrorCode SNAPSNaturalDestroy(SNAPSNatural *);

/* Pages at the definitions (plugins/ordering/fingerprint.c). */
PETSC_EXTERN PetscErrorCode SNAPSOperatorFingerprint(Mat, SNAPSNatural, char[SNAPS_FINGERPRINT_LEN]);
/* Whether text is a fingerprint as SNAPSOperatorFingerprint() writes it: exactly 16 hexadecimal digits (a longer
   text cut to 16, or non-hex text, is not: it would pass as some operator's). */
PETSC_EXTERN PetscBool SNAPSFingerprintIsValid(const char[]);
