/* snaps-poisson-param's FEM problem (see paramfem.h): DMPlex + PetscFE, assembled with PETSc's FEM
   residual and Jacobian routines (as in SNES tutorial ex12) but solved by the caller's KSP. */
#include "paramfem.h"
#include "mesh.h"
#include <petscds.h>
#include <petscsnes.h>

/* The problem the pointwise functions see (they get no user context in PETSc 3.18); mu arrives as the
   DS constants. */
static PoissonParam *param_current      = NULL;
static PetscBool     param_kappa_bad    = PETSC_FALSE;
static PetscReal     param_kappa_at[3]  = {0, 0, 0};
static PetscBool     param_source_bad   = PETSC_FALSE;
static PetscReal     param_source_at[3] = {0, 0, 0};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
/* Residual, point part: -f(x; mu); remembers a point where f is not finite. */
static void f0_u(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[], PetscReal t, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[], PetscScalar f0[])
{
  const PetscReal f = PoissonFieldEvaluate(param_current->source, x, constants);
  if (PetscIsInfOrNanReal(f) && !param_source_bad) {
    param_source_bad = PETSC_TRUE;
    for (PetscInt d = 0; d < dim; d++) param_source_at[d] = x[d];
  }
  f0[0] = -f;
}

/* Conductivity at a point; remembers a point where it is not positive. */
static inline PetscReal Kappa(const PetscReal x[], const PetscScalar mu[], PetscInt dim)
{
  const PetscReal k = PoissonFieldEvaluate(param_current->kappa, x, mu);
  if (!(k > 0 && k < PETSC_INFINITY) && !param_kappa_bad) { /* NaN, <= 0 and +Inf alike */
    param_kappa_bad = PETSC_TRUE;
    for (PetscInt d = 0; d < dim; d++) param_kappa_at[d] = x[d];
  }
  return k;
}

/* Residual, gradient part: kappa grad u. */
static void f1_u(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[], PetscReal t, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[], PetscScalar f1[])
{
  PetscBool zero = PETSC_TRUE;
  PetscReal k;
  for (PetscInt d = 0; d < dim; d++) zero = (PetscBool)(zero && u_x[d] == 0.0);
  k = zero ? 0.0 : Kappa(x, constants, dim); /* the right-hand side is F(0): no conductivity needed there */
  for (PetscInt d = 0; d < dim; d++) f1[d] = k * u_x[d];
}

/* Jacobian: kappa times the identity between gradients. */
static void g3_uu(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[], PetscReal t, PetscReal u_tShift, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  const PetscReal k = Kappa(x, constants, dim);
  for (PetscInt d = 0; d < dim; d++) g3[d * dim + d] = k;
}
#pragma GCC diagnostic pop

/* The owned global rows of the dofs on the boundary label. */
static PetscErrorCode BoundaryRows(PoissonParam *pp)
{
  DMLabel         label;
  IS              is;
  PetscSection    gsec;
  const PetscInt *points;
  PetscInt        npoints = 0, count = 0;

  PetscFunctionBegin;
  PetscCall(DMGetLabel(pp->dm, "boundary", &label));
  PetscCall(DMGetGlobalSection(pp->dm, &gsec));
  PetscCall(DMLabelGetStratumIS(label, 1, &is));
  if (is) PetscCall(ISGetLocalSize(is, &npoints));
  if (is) PetscCall(ISGetIndices(is, &points));
  for (PetscInt pass = 0; pass < 2; pass++) { /* count, then fill */
    count = 0;
    for (PetscInt i = 0; i < npoints; i++) {
      PetscInt dof, off;
      PetscCall(PetscSectionGetDof(gsec, points[i], &dof));
      PetscCall(PetscSectionGetOffset(gsec, points[i], &off));
      if (dof <= 0 || off < 0) continue; /* no dofs, or owned by another rank */
      for (PetscInt d = 0; d < dof; d++) {
        if (pass) pp->bcrows[count] = off + d;
        count++;
      }
    }
    if (!pass) PetscCall(PetscMalloc1(count + 1, &pp->bcrows));
  }
  pp->nbc = count;
  if (is) PetscCall(ISRestoreIndices(is, &points));
  PetscCall(ISDestroy(&is));
  PetscFunctionReturn(0);
}

/* -log_view event of PoissonParamAssemble(): the operator and right-hand side of each sample. */
static PetscLogEvent param_assemble_event;
static PetscBool     param_assemble_registered = PETSC_FALSE;

PetscErrorCode PoissonParamCreate(MPI_Comm comm, PetscInt dim, PetscReal a, PetscReal b, const char kappa[], const char source[], PetscInt q, PoissonParam *pp)
{
  DM          dm, pdm = NULL;
  PetscDS     ds;
  PetscMPIInt size;
  PetscInt    cStart, cEnd, ncells;
  Vec         x;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(pp, sizeof(*pp)));
  PetscCheck(!param_current, comm, PETSC_ERR_ORDER, "Only one parametrised problem per process at a time");
  if (!param_assemble_registered) PetscCall(PetscLogEventRegister("PoissonParamAssemble", DM_CLASSID, &param_assemble_event));
  param_assemble_registered = PETSC_TRUE;

  pp->dim = dim;
  pp->q   = q;
  PetscCall(PoissonFieldCreate(comm, "-kappa", kappa, dim, q, &pp->kappa));
  PetscCall(PoissonFieldCreate(comm, "-source", source, dim, q, &pp->source));
  PetscCall(PoissonMeshCreateSerial(comm, "snaps-poisson-param", dim, a, b, 32, pp->mesh, sizeof(pp->mesh), pp->faces, &dm));
  PetscCall(DMPlexDistributeSetDefault(dm, PETSC_FALSE)); /* refine serially: natural = serial ordering */
  PetscCall(DMSetFromOptions(dm));
  PetscCall(DMViewFromOptions(dm, NULL, "-dm_view"));
  PetscCall(DMPlexIsSimplex(dm, &pp->simplex));
  PetscCall(PoissonMeshAddLagrangeField(dm, &pp->degree));
  PetscCall(DMGetDS(dm, &ds));
  PetscCall(PetscDSSetResidual(ds, 0, f0_u, f1_u));
  PetscCall(PetscDSSetJacobian(ds, 0, 0, NULL, NULL, NULL, g3_uu));
  /* distribute with the natural ordering (the serial section must exist first); one rank keeps the
     serial mesh, whose global ordering is the natural one (and PETSc 3.18 mishandles DMSetUseNatural
     on a single rank) */
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (size > 1) {
    PetscSection sec;
    PetscCall(DMGetLocalSection(dm, &sec));
    PetscCall(DMSetUseNatural(dm, PETSC_TRUE));
    PetscCall(DMPlexDistribute(dm, 0, NULL, &pdm));
    if (pdm) {
      PetscCall(DMDestroy(&dm));
      dm = pdm;
    }
  }
  pp->dm = dm;
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  ncells = cEnd - cStart;
  PetscCallMPI(MPI_Allreduce(&ncells, &pp->cells, 1, MPIU_INT, MPI_SUM, comm));
  PetscCall(DMCreateMatrix(dm, &pp->A));
  PetscCall(MatSetOption(pp->A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(pp->A, MAT_SPD, PETSC_TRUE));
  PetscCall(DMCreateMassMatrix(dm, dm, &pp->M));
  PetscCall(DMCreateGlobalVector(dm, &pp->b));
  PetscCall(VecGetSize(pp->b, &pp->dofs));
  PetscCall(BoundaryRows(pp));
  PetscCall(DMCreateGlobalVector(dm, &x));
  PetscCall(SNAPSNaturalCreate(dm, x, &pp->nat));
  PetscCall(VecDestroy(&x));
  param_current = pp;
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonParamAssemble(PoissonParam *pp, PetscInt sample, const PetscReal mu[])
{
  MPI_Comm     comm;
  PetscDS      ds;
  Vec          loc, locF;
  PetscScalar *consts, *bb;
  PetscInt     lo;
  PetscReal    bad[8];
  char         which[160], where[2][128];

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)pp->dm, &comm));
  for (PetscInt p = 0; p < pp->q; p++) PetscCheck(!PetscIsInfOrNanReal(mu[p]), comm, PETSC_ERR_USER_INPUT, "Parameter mu%" PetscInt_FMT " is not a finite number", p + 1);
  PetscCall(PetscLogEventBegin(param_assemble_event, 0, 0, 0, 0));
  PetscCall(DMGetDS(pp->dm, &ds));
  PetscCall(PetscMalloc1(pp->q + 1, &consts));
  for (PetscInt p = 0; p < pp->q; p++) consts[p] = mu[p];
  PetscCall(PetscDSSetConstants(ds, pp->q, consts));
  PetscCall(PetscFree(consts));
  param_kappa_bad  = PETSC_FALSE;
  param_source_bad = PETSC_FALSE;
  PetscCall(DMGetLocalVector(pp->dm, &loc));
  PetscCall(DMGetLocalVector(pp->dm, &locF));
  PetscCall(VecSet(loc, 0.0));
  PetscCall(VecSet(locF, 0.0));
  /* a conductivity without parameters gives one operator for all samples: assemble it once, so that
     its state stays the same (PETSc's fischer and pod guesses restart whenever the operator changes) */
  if (!pp->assembled || PoissonFieldUsesParameters(pp->kappa)) PetscCall(DMPlexSNESComputeJacobianFEM(pp->dm, loc, pp->A, pp->A, NULL));
  PetscCall(DMPlexSNESComputeResidualFEM(pp->dm, loc, locF, NULL)); /* local residual F(0) */
  PetscCall(VecSet(pp->b, 0.0));
  PetscCall(DMLocalToGlobal(pp->dm, locF, ADD_VALUES, pp->b));
  PetscCall(DMRestoreLocalVector(pp->dm, &locF));
  PetscCall(DMRestoreLocalVector(pp->dm, &loc));
  /* the conductivity must be positive and the source finite everywhere: agree on it, and say for which sample
     and where it is not */
  bad[0] = param_kappa_bad ? 1.0 : 0.0;
  bad[4] = param_source_bad ? 1.0 : 0.0;
  for (PetscInt d = 0; d < 3; d++) {
    bad[d + 1] = param_kappa_bad ? param_kappa_at[d] : -PETSC_MAX_REAL;
    bad[d + 5] = param_source_bad ? param_source_at[d] : -PETSC_MAX_REAL;
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, bad, 8, MPIU_REAL, MPIU_MAX, comm));
  if (bad[0] != 0 || bad[4] != 0) {
    size_t n;
    PetscCall(PetscSNPrintf(which, sizeof(which), "Sample %" PetscInt_FMT " (mu = ", sample));
    for (PetscInt p = 0; p < pp->q; p++) {
      PetscCall(PetscStrlen(which, &n));
      PetscCall(PetscSNPrintf(which + n, sizeof(which) - n, "%s%g", p ? ", " : "", (double)mu[p]));
    }
    PetscCall(PetscStrlcat(which, ")", sizeof(which)));
    for (PetscInt i = 0; i < 2; i++) PetscCall(PetscSNPrintf(where[i], sizeof(where[i]), pp->dim == 1 ? "%g" : (pp->dim == 2 ? "%g, %g" : "%g, %g, %g"), (double)bad[4 * i + 1], (double)bad[4 * i + 2], (double)bad[4 * i + 3]));
  }
  PetscCheck(bad[0] == 0, comm, PETSC_ERR_USER_INPUT, "%s: -kappa is not positive everywhere, or not finite, for these parameters (for example near x = (%s)): the problem is not elliptic", which, where[0]);
  PetscCheck(bad[4] == 0, comm, PETSC_ERR_USER_INPUT, "%s: -source is not finite everywhere for these parameters (for example at x = (%s)): choose a source that is finite on the whole domain", which, where[1]);
  /* b = -F(0); u = 0 on the boundary by identity rows and columns (keeps A symmetric) */
  PetscCall(VecScale(pp->b, -1.0));
  if (!pp->assembled || PoissonFieldUsesParameters(pp->kappa)) PetscCall(MatZeroRowsColumns(pp->A, pp->nbc, pp->bcrows, 1.0, NULL, NULL));
  pp->assembled = PETSC_TRUE;
  PetscCall(VecGetOwnershipRange(pp->b, &lo, NULL));
  PetscCall(VecGetArray(pp->b, &bb));
  for (PetscInt i = 0; i < pp->nbc; i++) bb[pp->bcrows[i] - lo] = 0.0;
  PetscCall(VecRestoreArray(pp->b, &bb));
  PetscCall(PetscLogEventEnd(param_assemble_event, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonParamL2Norm(PoissonParam *pp, Vec v, Vec work, PetscReal *norm)
{
  PetscScalar dot;

  PetscFunctionBegin;
  PetscCall(MatMult(pp->M, v, work));
  PetscCall(VecDot(v, work, &dot));
  *norm = PetscSqrtReal(PetscMax(PetscRealPart(dot), 0.0));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonParamDestroy(PoissonParam *pp)
{
  PetscFunctionBegin;
  PetscCall(MatDestroy(&pp->A));
  PetscCall(MatDestroy(&pp->M));
  PetscCall(VecDestroy(&pp->b));
  PetscCall(PetscFree(pp->bcrows));
  PetscCall(SNAPSNaturalDestroy(&pp->nat));
  PetscCall(DMDestroy(&pp->dm));
  PetscCall(PoissonFieldDestroy(&pp->kappa));
  PetscCall(PoissonFieldDestroy(&pp->source));
  param_current = NULL;
  PetscFunctionReturn(0);
}
