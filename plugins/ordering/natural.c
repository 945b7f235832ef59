/* The natural (rank-independent) ordering of global vectors: identity, DMDA or DMPlex (see snaps/ordering.h). */
#include <snaps/ordering.h>
#include <petsc/private/petscimpl.h>
#include <petscdmda.h>
#include <petscdmplex.h>

typedef enum {
  NATURAL_GLOBAL,
  NATURAL_DMDA,
  NATURAL_DMPLEX
} NaturalKind;

static const char *const NaturalKindNames[] = {"global", "dmda", "dmplex"};

struct _n_SNAPSNatural {
  NaturalKind kind;
  DM          dm; /* referenced; NULL for the identity */
  Vec template;   /* a global vector of the layout the map was made for */
};

/* The global vector size of dm (from a cached work vector, so nothing is allocated twice). */
static PetscErrorCode DMGlobalSize(DM dm, PetscInt *n)
{
  Vec g;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(dm, &g));
  PetscCall(VecGetSize(g, n));
  PetscCall(DMRestoreGlobalVector(dm, &g));
  PetscFunctionReturn(0);
}

/*@
  SNAPSNaturalOrderingDM - The DM whose ordering SNAPSNaturalCreate() would consider

  Not Collective

  Input Parameter:
. dm - a DM, or NULL

  Output Parameter:
. odm - dm itself when it is a DMDA or a DMPlex, else NULL (no DM, or one such as the DMShell PETSc gives a KSP
        without one, which orders nothing); not referenced

  Level: developer

.seealso: SNAPSNaturalCreate()
@*/
PetscErrorCode SNAPSNaturalOrderingDM(DM dm, DM *odm)
{
  PetscBool isda = PETSC_FALSE, isplex = PETSC_FALSE;

  PetscFunctionBegin;
  PetscValidPointer(odm, 2);
  if (dm) {
    PetscCall(PetscObjectTypeCompare((PetscObject)dm, DMDA, &isda));
    PetscCall(PetscObjectTypeCompare((PetscObject)dm, DMPLEX, &isplex));
  }
  *odm = isda || isplex ? dm : NULL;
  PetscFunctionReturn(0);
}

/*@
  SNAPSNaturalCreate - Creates the map between the global layout of vectors like v and the natural
  (rank-independent) ordering

  Collective

  Input Parameters:
+ dm - the DM that describes the vectors, or NULL: a DMDA maps through its natural ordering, a DMPlex with a natural
       SF through the ordering of the serial mesh; a DMPlex never distributed, any other DM and NULL give the identity
       (the global ordering)
- v  - a global vector of the layout (duplicated; the map keeps a reference to dm)

  Output Parameter:
. natural - the map; free it with SNAPSNaturalDestroy()

  Notes:
  Raises PETSC_ERR_ARG_SIZ where dm describes vectors of another size than v, PETSC_ERR_ARG_WRONGSTATE (on every rank)
  for a DMPlex distributed without DMSetUseNatural(), whose global ordering depends on the number of ranks, and
  PETSC_ERR_SUP where the DMPlex natural vector has another size than the global one (a section with constrained
  dofs, which PETSc 3.18 maps wrongly: assemble Dirichlet conditions into the matrix).

  Level: intermediate

.seealso: SNAPSNaturalDestroy(), SNAPSNaturalGlobalToNatural(), SNAPSNaturalGetKind(), SNAPSOperatorFingerprint(), SNAPSNaturalOrderingDM()
@*/
PetscErrorCode SNAPSNaturalCreate(DM dm, Vec v, SNAPSNatural *natural)
{
  SNAPSNatural nat;
  PetscBool    isda = PETSC_FALSE, isplex;
  PetscInt     n, ndm, nnat;
  MPI_Comm     comm;
  DM           odm;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(v, VEC_CLASSID, 2);
  PetscValidPointer(natural, 3);
  PetscCall(PetscObjectGetComm((PetscObject)v, &comm));
  PetscCall(VecGetSize(v, &n));
  PetscCall(SNAPSNaturalOrderingDM(dm, &odm));
  if (odm) PetscCall(PetscObjectTypeCompare((PetscObject)odm, DMDA, &isda));
  isplex = odm && !isda ? PETSC_TRUE : PETSC_FALSE;
  if (isda || isplex) {
    PetscCall(DMGlobalSize(dm, &ndm));
    PetscCheck(ndm == n, comm, PETSC_ERR_ARG_SIZ, "The %s attached to the solver describes vectors of size %" PetscInt_FMT " but the operator has size %" PetscInt_FMT ": cannot map the vectors to a natural ordering", isda ? "DMDA" : "DMPlex", ndm, n);
  }
  if (isplex) {
    PetscSF sf;
    PetscCall(DMGetNaturalSF(dm, &sf));
    if (!sf) { /* never distributed: the global ordering is the serial one */
      PetscBool distributed;
      /* distributed without DMSetUseNatural(): the global ordering is the partition's, which would make the stored
         vectors and the fingerprint depend on the number of ranks and the partitioner. Collective, so every rank errors. */
      PetscCall(DMPlexIsDistributed(dm, &distributed));
      PetscCheck(!distributed, comm, PETSC_ERR_ARG_WRONGSTATE, "The DMPlex attached to the solver was distributed without a natural ordering, so its vectors and operator fingerprint would depend on the number of ranks: call DMSetUseNatural(dm, PETSC_TRUE) before DMPlexDistribute() (or DMSetFromOptions() that distributes) in the program, or, where the program cannot be changed, run it on one rank or with -dm_distribute 0");
      isplex = PETSC_FALSE;
    }
  }
  PetscCall(PetscNew(&nat));
  nat->kind = isda ? NATURAL_DMDA : (isplex ? NATURAL_DMPLEX : NATURAL_GLOBAL);
  if (nat->kind != NATURAL_GLOBAL) {
    nat->dm = dm;
    PetscCall(PetscObjectReference((PetscObject)dm));
  }
  PetscCall(VecDuplicate(v, &nat->template));
  *natural = nat;
  if (nat->kind == NATURAL_DMPLEX) { /* PETSc 3.18 includes constrained dofs in DMPlex natural vectors and maps them wrongly */
    Vec nv;
    PetscCall(SNAPSNaturalCreateVec(nat, &nv));
    PetscCall(VecGetSize(nv, &nnat));
    PetscCall(VecDestroy(&nv));
    if (nnat != n) PetscCall(SNAPSNaturalDestroy(natural));
    PetscCheck(nnat == n, comm, PETSC_ERR_SUP, "The DMPlex natural vector has %" PetscInt_FMT " entries but the global vector %" PetscInt_FMT ": the section has constrained (Dirichlet) dofs, which PETSc 3.18 cannot map to the natural ordering; assemble the boundary conditions into the matrix instead", nnat, n);
  }
  PetscFunctionReturn(0);
}

/*@
  SNAPSNaturalCreateVec - Creates a vector in the natural layout of a map (contiguous blocks of natural indices per
  rank)

  Collective

  Input Parameter:
. nat - the map

  Output Parameter:
. v - the vector (DMDACreateNaturalVector() or DMPlexCreateNaturalVector(); for the identity, the global layout)

  Level: intermediate

.seealso: SNAPSNaturalCreate(), SNAPSNaturalCreateGlobalVec(), SNAPSNaturalGlobalToNatural()
@*/
PetscErrorCode SNAPSNaturalCreateVec(SNAPSNatural nat, Vec *v)
{
  PetscFunctionBegin;
  switch (nat->kind) {
  case NATURAL_DMDA:
    PetscCall(DMDACreateNaturalVector(nat->dm, v));
    break;
  case NATURAL_DMPLEX:
    PetscCall(DMPlexCreateNaturalVector(nat->dm, v));
    break;
  default:
    PetscCall(VecDuplicate(nat->template, v));
  }
  PetscFunctionReturn(0);
}

/*@
  SNAPSNaturalCreateGlobalVec - Creates a vector in the global layout a map was made for

  Collective

  Input Parameter:
. nat - the map

  Output Parameter:
. v - the vector (a duplicate of the one given to SNAPSNaturalCreate())

  Level: intermediate

.seealso: SNAPSNaturalCreate(), SNAPSNaturalCreateVec(), SNAPSNaturalNaturalToGlobal()
@*/
PetscErrorCode SNAPSNaturalCreateGlobalVec(SNAPSNatural nat, Vec *v)
{
  PetscFunctionBegin;
  PetscCall(VecDuplicate(nat->template, v));
  PetscFunctionReturn(0);
}

/*@
  SNAPSNaturalGlobalToNatural - Copies a global vector into a natural one

  Collective

  Input Parameters:
+ nat - the map
- g   - the vector in the global layout

  Output Parameter:
. n - the vector in the natural layout (SNAPSNaturalCreateVec())

  Level: intermediate

.seealso: SNAPSNaturalNaturalToGlobal(), SNAPSNaturalCreateVec()
@*/
PetscErrorCode SNAPSNaturalGlobalToNatural(SNAPSNatural nat, Vec g, Vec n)
{
  PetscFunctionBegin;
  switch (nat->kind) {
  case NATURAL_DMDA:
    PetscCall(DMDAGlobalToNaturalBegin(nat->dm, g, INSERT_VALUES, n));
    PetscCall(DMDAGlobalToNaturalEnd(nat->dm, g, INSERT_VALUES, n));
    break;
  case NATURAL_DMPLEX:
    PetscCall(DMPlexGlobalToNaturalBegin(nat->dm, g, n));
    PetscCall(DMPlexGlobalToNaturalEnd(nat->dm, g, n));
    break;
  default:
    PetscCall(VecCopy(g, n));
  }
  PetscFunctionReturn(0);
}

/*@
  SNAPSNaturalNaturalToGlobal - Copies a natural vector into a global one

  Collective

  Input Parameters:
+ nat - the map
- n   - the vector in the natural layout

  Output Parameter:
. g - the vector in the global layout (SNAPSNaturalCreateGlobalVec())

  Level: intermediate

.seealso: SNAPSNaturalGlobalToNatural(), SNAPSNaturalCreateGlobalVec()
@*/
PetscErrorCode SNAPSNaturalNaturalToGlobal(SNAPSNatural nat, Vec n, Vec g)
{
  PetscFunctionBegin;
  switch (nat->kind) {
  case NATURAL_DMDA:
    PetscCall(DMDANaturalToGlobalBegin(nat->dm, n, INSERT_VALUES, g));
    PetscCall(DMDANaturalToGlobalEnd(nat->dm, n, INSERT_VALUES, g));
    break;
  case NATURAL_DMPLEX:
    PetscCall(DMPlexNaturalToGlobalBegin(nat->dm, n, g));
    PetscCall(DMPlexNaturalToGlobalEnd(nat->dm, n, g));
    break;
  default:
    PetscCall(VecCopy(n, g));
  }
  PetscFunctionReturn(0);
}

/*@C
  SNAPSNaturalGetKind - Says which map this is

  Not Collective

  Input Parameter:
. nat - the map

  Output Parameter:
. kind - "global" (the identity), "dmda" or "dmplex"

  Level: intermediate

.seealso: SNAPSNaturalCreate()
@*/
PetscErrorCode SNAPSNaturalGetKind(SNAPSNatural nat, const char *kind[])
{
  PetscFunctionBegin;
  *kind = NaturalKindNames[nat->kind];
  PetscFunctionReturn(0);
}

/*@
  SNAPSNaturalDestroy - Frees a natural-ordering map (and its reference to the DM) and sets the pointer to NULL

  Collective

  Input Parameter:
. nat - the map; a pointer to NULL does nothing

  Level: intermediate

.seealso: SNAPSNaturalCreate()
@*/
PetscErrorCode SNAPSNaturalDestroy(SNAPSNatural *nat)
{
  PetscFunctionBegin;
  if (!*nat) PetscFunctionReturn(0);
  PetscCall(DMDestroy(&(*nat)->dm));
  PetscCall(VecDestroy(&(*nat)->template));
  PetscCall(PetscFree(*nat));
  PetscFunctionReturn(0);
}
