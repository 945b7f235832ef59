/* snaps-poisson -method fem: DMPlex + PetscFE + SNES (KSPONLY), after PETSc's SNES tutorials ex12/ex13, or on a
   box of tensor cells the same discretisation on a DMDA (box.h), assembled without PetscFE's per-cell machinery. */
#include "fem.h"
#include "errors.h"
#include "mesh.h"
#include <petscds.h>
#include <petscsnes.h>
#include <petscviewerhdf5.h>
#include <hdf5.h>
#include <string.h>
#include <petscsf.h>
#include <snaps/options.h>
#include <snaps/report.h>
#include <snaps/trajectory.h>

/* The manufactured solution seen by the pointwise functions, which get no user context in PETSc 3.18:
   one FEM problem per process at a time. */
static PoissonExact fem_exact = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
/* Residual, point part: -f(x), with f = -Laplace(u_exact) evaluated exactly at the quadrature point. */
static void f0_u(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[], PetscReal t, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[], PetscScalar f0[])
{
  PetscReal f = 0;
  PetscCallVoid(PoissonExactEvaluateBatch(fem_exact, 1, x, NULL, &f));
  f0[0] = -f;
}

/* Residual, gradient part: grad u. */
static void f1_u(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[], PetscReal t, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[], PetscScalar f1[])
{
  for (PetscInt d = 0; d < dim; d++) f1[d] = u_x[d];
}

/* Jacobian: the identity between gradients (stiffness matrix). */
static void g3_uu(PetscInt dim, PetscInt Nf, PetscInt NfAux, const PetscInt uOff[], const PetscInt uOff_x[], const PetscScalar u[], const PetscScalar u_t[], const PetscScalar u_x[], const PetscInt aOff[], const PetscInt aOff_x[], const PetscScalar a[], const PetscScalar a_t[], const PetscScalar a_x[], PetscReal t, PetscReal u_tShift, const PetscReal x[], PetscInt numConstants, const PetscScalar constants[], PetscScalar g3[])
{
  for (PetscInt d = 0; d < dim; d++) g3[d * dim + d] = 1.0;
}

/* Dirichlet data and exact solution in PETSc's function signature; ctx is the PoissonExact. */
static PetscErrorCode exact_u(PetscInt dim, PetscReal time, const PetscReal x[], PetscInt Nc, PetscScalar *u, void *ctx)
{
  PetscReal v;

  PetscFunctionBegin;
  PetscCall(PoissonExactEvaluate((PoissonExact)ctx, x, &v, NULL, NULL));
  u[0] = v;
  PetscFunctionReturn(0);
}
#pragma GCC diagnostic pop

/* The refinement level of -dm_refine (0 when not given), which DMSetFromOptions() applies to the DMPlex mesh. */
static PetscErrorCode PoissonFEMRefineLevel(PetscInt *refine)
{
  PetscFunctionBegin;
  *refine = 0;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-dm_refine", refine, NULL));
  PetscFunctionReturn(0);
}

/* After a solve that met Inf or NaN: looks for a point among the n points x[n*dim] (rank-local: mesh vertices) where
   u or f = -Laplace(u) is not finite; where[] gets "at x = (...)", the point the ranks agree on, or a vaguer place. */
static PetscErrorCode PoissonFEMFindNonFinite(MPI_Comm comm, PoissonExact exact, PetscInt n, const PetscReal x[], char where[], size_t len)
{
  PetscInt  dim;
  PetscReal bad[4] = {0, -PETSC_MAX_REAL, -PETSC_MAX_REAL, -PETSC_MAX_REAL};

  PetscFunctionBegin;
  PetscCall(PoissonExactGetInfo(exact, &dim, NULL));
  for (PetscInt i = 0; i < n && !bad[0]; i++) {
    PetscReal u, f;
    PetscCall(PoissonExactEvaluate(exact, &x[i * dim], &u, NULL, &f));
    if (PetscIsInfOrNanReal(u) || PetscIsInfOrNanReal(f)) {
      bad[0] = 1;
      for (PetscInt d = 0; d < dim && d < 3; d++) bad[d + 1] = x[i * dim + d];
    }
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, bad, 4, MPIU_REAL, MPIU_MAX, comm));
  if (bad[0] == 0)
    PetscCall(PetscStrncpy(where, "at some quadrature point", len));
  else
    PetscCall(PetscSNPrintf(where, len, dim == 1 ? "at x = (%g)" : (dim == 2 ? "at x = (%g, %g)" : "at x = (%g, %g, %g)"), (double)bad[1], (double)bad[2], (double)bad[3]));
  PetscFunctionReturn(0);
}

/* Fails naming -exact and where (PoissonFEMFindNonFinite()) for a linear system that holds Inf or NaN, so that the
   user fixes the input rather than the solver. */
static PetscErrorCode PoissonFEMRefuseNonFinite(MPI_Comm comm, PoissonExact exact, const char where[])
{
  const char *expr;

  PetscFunctionBegin;
  PetscCall(PoissonExactGetInfo(exact, NULL, &expr));
  SETERRQ(comm, PETSC_ERR_USER_INPUT, "-exact '%s': the solution u (the Dirichlet data) or the source f = -Laplace(u) is not finite %s, so the linear system holds Inf or NaN: choose an -exact that is finite and smooth on the whole domain", expr, where);
}

/* PoissonFEMRefuseNonFinite() with a point among the vertices of the box [a,b]^dim of fem->faces cells (every rank
   looks at all of them). */
static PetscErrorCode PoissonFEMRefuseNonFiniteBox(MPI_Comm comm, PoissonExact exact, PetscInt dim, PetscReal a, PetscReal b, const PoissonFEM *fem)
{
  PetscInt   n = 1;
  PetscReal *x;
  char       where[160];

  PetscFunctionBegin;
  for (PetscInt d = 0; d < dim; d++) n *= fem->faces[d] + 1;
  PetscCall(PetscMalloc1(n * dim, &x));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt d = 0, r = i; d < dim; r /= fem->faces[d] + 1, d++) x[i * dim + d] = a + (b - a) * (r % (fem->faces[d] + 1)) / fem->faces[d];
  PetscCall(PoissonFEMFindNonFinite(comm, exact, n, x, where, sizeof(where)));
  PetscCall(PetscFree(x));
  PetscCall(PoissonFEMRefuseNonFinite(comm, exact, where));
  PetscFunctionReturn(0);
}

/* Mesh, field, boundary conditions and the configured solver (SNES of type ksponly): everything but the solve. */
static PetscErrorCode PoissonFEMSetUp(MPI_Comm comm, PoissonExact exact, PetscInt dim, PetscReal a, PetscReal b, PoissonFEM *fem, SNES *snesout)
{
  DM             dm;
  PetscDS        ds;
  DMLabel        label;
  SNES           snes;
  KSP            ksp;
  PC             pc;
  PetscInt       cStart, cEnd, ncells, edim;
  const PetscInt id = 1;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(fem, sizeof(*fem)));
  PetscCall(PoissonExactGetInfo(exact, &edim, NULL));
  PetscCheck(edim == dim, comm, PETSC_ERR_ARG_INCOMP, "The exact solution is %" PetscInt_FMT "-D but the problem is %" PetscInt_FMT "-D", edim, dim);
  PetscCheck(!fem_exact, comm, PETSC_ERR_ORDER, "Only one FEM problem per process at a time");
  PetscCall(PoissonMeshCreateSerial(comm, "snaps-poisson", dim, a, b, 16, fem->mesh, sizeof(fem->mesh), fem->faces, &dm));
  PetscCall(DMSetFromOptions(dm)); /* distributes (-dm_distribute, default on), refines, ... */
  /* each refinement halves the box's cells in every direction */
  if (!fem->mesh[0]) {
    PetscInt refine;
    PetscCall(PoissonFEMRefineLevel(&refine));
    for (PetscInt d = 0; d < dim; d++) fem->faces[d] <<= refine;
  }
  PetscCall(DMViewFromOptions(dm, NULL, "-dm_view"));
  PetscCall(DMPlexIsSimplex(dm, &fem->simplex));
  /* a segment is a tensor cell too: 1-D takes the error grid of -error_cells, as the box path does (Stroud's rule on
     each cell alone gave L2 error^2 1.0014 for the exact 1 of sin(pi x) on one cell, and another error than the box
     path's for the same discretisation) */
  fem->simplex = PoissonMeshReportsSimplex(dim, fem->simplex);
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  ncells = cEnd - cStart;
  PetscCallMPI(MPI_Allreduce(&ncells, &fem->cells, 1, MPIU_INT, MPI_SUM, comm));
  PetscCall(PoissonMeshAddLagrangeField(dm, &fem->degree));
  fem_exact = exact;
  PetscCall(DMGetDS(dm, &ds));
  PetscCall(PetscDSSetResidual(ds, 0, f0_u, f1_u));
  PetscCall(PetscDSSetJacobian(ds, 0, 0, NULL, NULL, NULL, g3_uu));
  PetscCall(PetscDSSetExactSolution(ds, 0, exact_u, exact));
  PetscCall(DMGetLabel(dm, "boundary", &label));
  PetscCall(DMAddBoundary(dm, DM_BC_ESSENTIAL, "wall", label, 1, &id, 0, 0, NULL, (void (*)(void))exact_u, NULL, exact, NULL));
  PetscCall(DMCreateGlobalVector(dm, &fem->u));
  PetscCall(PetscObjectSetName((PetscObject)fem->u, "u"));
  PetscCall(VecSet(fem->u, 0.0));
  PetscCall(VecGetSize(fem->u, &fem->dofs));
  /* linear solver: one Newton step on a linear problem */
  PetscCall(SNESCreate(comm, &snes));
  PetscCall(SNESSetDM(snes, dm));
  PetscCall(DMPlexSetSNESLocalFEM(dm, NULL, NULL, NULL));
  PetscCall(SNESSetType(snes, SNESKSPONLY));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCGAMG));
  PetscCall(KSPSetTolerances(ksp, 1e-12, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(SNESSetFromOptions(snes));
  fem->dm  = dm;
  *snesout = snes;
  PetscFunctionReturn(0);
}

/* -fem_assembly auto|box|plex: whether this problem takes the tensor-grid path (box.h). auto takes it for a box
   of tensor cells that DMDA can lay out, unless an option only DMPlex serves is given (a mesh file,
   -dm_plex_simplex, -dm_refine, -view_solution); box insists and says why it cannot. */
static PetscErrorCode PoissonFEMChooseAssembly(MPI_Comm comm, PetscInt dim, PoissonFEM *fem, PetscBool *usebox)
{
  const char *choices[] = {"auto", "box", "plex"}, *why = NULL;
  PetscInt    choice = 0;
  PetscBool   simplex, view, fits;
  PetscInt    refine;
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "snaps-poisson FEM assembly", NULL);
  PetscCall(PetscOptionsEList("-fem_assembly", "auto: box for a box of tensor cells, else plex; box: DMDA tensor grid; plex: DMPlex + PetscFE", NULL, choices, 3, choices[choice], &choice, NULL));
  PetscOptionsEnd();
  *usebox = PETSC_FALSE;
  if (choice == 2) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PoissonMeshGetOptions(comm, "snaps-poisson", dim, 16, fem->mesh, sizeof(fem->mesh), fem->faces, &simplex));
  PetscCall(PoissonMeshDegreeOption(comm, &fem->degree));
  PetscCall(PoissonFEMRefineLevel(&refine)); /* -dm_refine 0 (the first point of a refinement sweep) is the box */
  PetscCall(PetscOptionsHasName(NULL, NULL, "-view_solution", &view));
  if (fem->mesh[0])
    why = "a mesh file (-dm_plex_filename)";
  else if (simplex)
    why = "simplices (-dm_plex_simplex)";
  else if (refine > 0)
    why = "-dm_refine";
  else if (view)
    why = "-view_solution (written by DMPlex)";
  else {
    PetscCall(PoissonBoxFits(dim, fem->faces, fem->degree, size, &fits, &why));
    if (fits) why = NULL;
  }
  PetscCheck(!why || choice == 0, comm, PETSC_ERR_USER_INPUT, "-fem_assembly box cannot serve %s: use -fem_assembly plex (or auto)", why);
  *usebox = (PetscBool)!why;
  PetscFunctionReturn(0);
}

/* The tensor-grid solve: set-up is the DMDA and the 1-D tables; the timed solve assembles the operator and the
   right-hand side and runs KSP (default CG + BoomerAMG, as FEniCSx's usual choice; GAMG without hypre). */
static PetscErrorCode PoissonFEMSetUpBox(MPI_Comm comm, PetscInt dim, PetscReal a, PetscReal b, PoissonFEM *fem, KSP *ksp)
{
  PC pc;

  PetscFunctionBegin;
  PetscCall(PoissonBoxCreate(comm, dim, a, b, fem->faces, fem->degree, &fem->box, &fem->dm));
  fem->cells = 1;
  for (PetscInt d = 0; d < dim; d++) fem->cells *= fem->faces[d];
  PetscCall(DMCreateGlobalVector(fem->dm, &fem->u));
  PetscCall(PetscObjectSetName((PetscObject)fem->u, "u"));
  PetscCall(VecGetSize(fem->u, &fem->dofs));
  PetscCall(KSPCreate(comm, ksp));
  PetscCall(KSPSetType(*ksp, KSPCG));
  PetscCall(KSPGetPC(*ksp, &pc));
#if defined(PETSC_HAVE_HYPRE)
  PetscCall(PCSetType(pc, PCHYPRE));
#else
  PetscCall(PCSetType(pc, PCGAMG));
#endif
  PetscCall(KSPSetTolerances(*ksp, 1e-12, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(KSPSetFromOptions(*ksp));
  PetscFunctionReturn(0);
}

/* The timed part: A and rhs are the caller's to destroy, after the clock (FEniCSx's time leaves out its frees too). */
static PetscErrorCode PoissonFEMSolveBox(MPI_Comm comm, PoissonExact exact, PetscInt dim, PetscReal a, PetscReal b, PoissonFEM *fem, KSP ksp, Mat *Aout, Vec *rhsout)
{
  Mat                A;
  Vec                rhs;
  KSPConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(PoissonBoxAssemble(fem->box, fem->dm, exact, &A, &rhs));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSolve(ksp, rhs, fem->u));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(KSPGetIterationNumber(ksp, &fem->iterations));
  if (reason == KSP_DIVERGED_NANORINF) PetscCall(PoissonFEMRefuseNonFiniteBox(comm, exact, dim, a, b, fem));
  PetscCheck(reason >= 0, comm, PETSC_ERR_NOT_CONVERGED, "The linear solve failed: %s after %" PetscInt_FMT " iterations (try another -pc_type or a larger -ksp_max_it)", KSPConvergedReasons[reason], fem->iterations);
  *Aout   = A;
  *rhsout = rhs;
  PetscFunctionReturn(0);
}

/* The grid rule of -error_cells serves boxes of tensor cells only (PoissonFEMComputeErrors()): a -error_cells
   given for a mesh file or simplices is refused before the solve, not ignored. */
static PetscErrorCode PoissonFEMCheckErrorCells(MPI_Comm comm, const PoissonFEM *fem)
{
  PetscInt  ecells = 0;
  PetscBool set;

  PetscFunctionBegin;
  if (fem->box || (!fem->mesh[0] && !fem->simplex)) PetscFunctionReturn(0);
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-error_cells", &ecells, &set));
  PetscCheck(!set, comm, PETSC_ERR_USER_INPUT, "-error_cells %" PetscInt_FMT " sets the error-quadrature grid of a box of tensor cells, which %s%s%s does not have: the error is integrated by %s on every mesh cell; remove -error_cells (-error_order sets that rule)", ecells,
             fem->mesh[0] ? "the mesh file '" : "a mesh of simplices", fem->mesh[0] ? fem->mesh : "", fem->mesh[0] ? "'" : "", fem->simplex ? "Stroud's conical rule of degree + -error_order points" : "-error_order Gauss points per direction");
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonFEMSolve(MPI_Comm comm, PoissonExact exact, PetscInt dim, PetscReal a, PetscReal b, PoissonFEM *fem)
{
  SNES                snes;
  KSP                 ksp;
  PetscLogDouble      t0, t1, t2;
  PetscReal           times[2];
  SNESConvergedReason sreason;
  KSPConvergedReason  kreason;
  PetscBool           usebox;
  Mat                 A;
  Vec                 rhs;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(fem, sizeof(*fem)));
  PetscCall(PoissonFEMChooseAssembly(comm, dim, fem, &usebox));
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(PetscTime(&t0));
  if (usebox) {
    PetscCall(PoissonFEMSetUpBox(comm, dim, a, b, fem, &ksp));
    PetscCall(SNAPSCheckKSPTolerances(ksp)); /* here, not in the set-up: a -help run checks nothing */
    PetscCall(PoissonExactViewFromOptions(exact)); /* after the set-up's checks (memory, options) */
    PetscCallMPI(MPI_Barrier(comm));
    PetscCall(PetscTime(&t1));
    PetscCall(PoissonFEMSolveBox(comm, exact, dim, a, b, fem, ksp, &A, &rhs));
    PetscCall(PetscTime(&t2));
    PetscCall(KSPDestroy(&ksp));
    PetscCall(MatDestroy(&A));
    PetscCall(VecDestroy(&rhs));
  } else {
    PetscCall(PoissonFEMSetUp(comm, exact, dim, a, b, fem, &snes));
    PetscCall(PoissonFEMCheckErrorCells(comm, fem));
    PetscCall(SNESGetKSP(snes, &ksp));
    PetscCall(SNAPSCheckKSPTolerances(ksp));
    PetscCall(PoissonExactViewFromOptions(exact)); /* after the set-up's checks (memory, options) */
    PetscCallMPI(MPI_Barrier(comm));
    PetscCall(PetscTime(&t1));
    PetscCall(SNESSolve(snes, NULL, fem->u));
    PetscCall(PetscTime(&t2));
    PetscCall(SNESGetConvergedReason(snes, &sreason));
    PetscCall(KSPGetConvergedReason(ksp, &kreason));
    PetscCall(KSPGetIterationNumber(ksp, &fem->iterations));
    if (sreason == SNES_DIVERGED_FNORM_NAN || kreason == KSP_DIVERGED_NANORINF) {
      Vec                coords;
      PetscInt           n;
      const PetscScalar *x;
      char               where[160];
      PetscCall(DMGetCoordinatesLocal(fem->dm, &coords));
      PetscCall(VecGetLocalSize(coords, &n));
      PetscCall(VecGetArrayRead(coords, &x));
      PetscCall(PoissonFEMFindNonFinite(comm, exact, n / dim, (const PetscReal *)x, where, sizeof(where))); /* the mesh's vertices */
      PetscCall(VecRestoreArrayRead(coords, &x));
      PetscCall(SNESDestroy(&snes));
      PetscCall(PoissonFEMRefuseNonFinite(comm, exact, where));
    }
    PetscCheck(sreason >= 0 && kreason >= 0, comm, PETSC_ERR_NOT_CONVERGED, "The linear solve failed: %s after %" PetscInt_FMT " iterations (try another -pc_type or a larger -ksp_max_it)", KSPConvergedReasons[kreason], fem->iterations);
    PetscCall(SNESDestroy(&snes));
  }
  times[0] = (PetscReal)(t1 - t0);
  times[1] = (PetscReal)(t2 - t1);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, times, 2, MPIU_REAL, MPIU_MAX, comm));
  fem->setup_time = times[0];
  fem->solve_time = times[1];
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonFEMViewOptions(MPI_Comm comm, PoissonExact exact, PetscInt dim, PetscReal a, PetscReal b)
{
  PoissonFEM fem;
  SNES       snes;
  KSP        ksp;
  PetscBool  usebox;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&fem, sizeof(fem)));
  PetscCall(PoissonFEMChooseAssembly(comm, dim, &fem, &usebox));
  if (usebox) {
    PetscCall(PoissonFEMSetUpBox(comm, dim, a, b, &fem, &ksp));
    PetscCall(KSPDestroy(&ksp));
  } else {
    PetscCall(PoissonFEMSetUp(comm, exact, dim, a, b, &fem, &snes));
    PetscCall(SNESDestroy(&snes));
  }
  PetscCall(PoissonFEMDestroy(&fem));
  PetscFunctionReturn(0);
}

/* Sub-cells per direction of every tensor mesh cell for the error quadrature: the mesh's coarsest direction
   decides; refused when the cell quadrature's points, Jacobians and tabulation would not fit in memory. */
static PetscErrorCode PoissonFEMErrorSubcells(PoissonFEM *fem, MPI_Comm comm, PetscInt dim, PetscInt cells, PetscInt order, PetscInt *nsub)
{
  PetscInt fmin = PETSC_MAX_INT;

  PetscFunctionBegin;
  *nsub = 1;
  for (PetscInt d = 0; d < dim; d++) fmin = PetscMin(fmin, fem->faces[d] > 0 ? fem->faces[d] : PETSC_MAX_INT);
  if (fmin < PETSC_MAX_INT) *nsub = (cells + fmin - 1) / fmin;
  for (PetscInt d = 0; d < dim; d++) fem->error_cells[d] = fem->faces[d] > 0 ? *nsub * fem->faces[d] : 0;
  {
    const PetscLogDouble nq = PetscPowRealInt((PetscReal)(*nsub * order), dim);
    char                 what[256];
    PetscCall(PetscSNPrintf(what, sizeof(what), "-error_cells %" PetscInt_FMT " with -error_order %" PetscInt_FMT " on a mesh of %" PetscInt_FMT " cells per direction (%.3g quadrature points per FEM cell)", cells, order, fmin, (double)nq));
    PetscCall(SNAPSCheckMemory(comm, 8 * nq * (2 * dim * dim + 3 * dim + 4 + (fem->degree + 1) * PetscPowRealInt(1.0 + fem->degree, dim - 1) * (1 + dim)), what));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonFEMComputeErrors(PoissonFEM *fem, PoissonExact exact, PetscInt cells, PetscInt order, PetscReal *l2sq, PetscReal *h1)
{
  DM               dm = fem->dm;
  MPI_Comm         comm;
  PetscFE          fe;
  PetscQuadrature  quad;
  PetscTabulation  T;
  Vec              loc;
  PetscSF          sf;
  const PetscInt  *leaves = NULL;
  const PetscReal *qpoints;
  PetscReal       *v, *J, *invJ, *detJ, *w, *uh, *gh, sums[2]     = {0, 0};
  PetscInt         dim, cdim, Nq, Nb, cStart, cEnd, nleaves, nsub = 1;
  PetscBool       *ghost;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)dm, &comm));
  PetscCall(DMGetDimension(dm, &dim));
  if (fem->box) {
    PetscCall(PoissonFEMErrorSubcells(fem, comm, dim, cells, order, &nsub));
    PetscCall(PoissonBoxComputeErrors(fem->box, dm, fem->u, exact, nsub, order, l2sq, h1));
    PetscFunctionReturn(0);
  }
  PetscCall(DMGetCoordinateDim(dm, &cdim));
  PetscCheck(cdim == dim, comm, PETSC_ERR_SUP, "Meshes embedded in a higher dimension are not supported");
  PetscCall(DMGetField(dm, 0, NULL, (PetscObject *)&fe));
  if (fem->simplex)
    PetscCall(PetscDTStroudConicalQuadrature(dim, 1, fem->degree + order, -1.0, 1.0, &quad));
  else {
    PetscCall(PoissonFEMErrorSubcells(fem, comm, dim, cells, order, &nsub));
    PetscCall(PoissonErrorsCreateCellQuadrature(dim, nsub, order, &quad));
  }
  PetscCall(PetscQuadratureGetData(quad, NULL, NULL, &Nq, &qpoints, NULL));
  PetscCall(PetscFECreateTabulation(fe, 1, Nq, qpoints, 1, &T));
  Nb = T->Nb;
  PetscCall(PetscMalloc4(Nq * dim, &v, Nq * dim * dim, &J, Nq * dim * dim, &invJ, Nq, &detJ));
  PetscCall(PetscMalloc3(Nq, &w, Nq, &uh, Nq * dim, &gh));
  /* the solution with its Dirichlet values */
  PetscCall(DMGetLocalVector(dm, &loc));
  PetscCall(DMGlobalToLocal(dm, fem->u, INSERT_VALUES, loc));
  PetscCall(DMPlexInsertBoundaryValues(dm, PETSC_TRUE, loc, 0.0, NULL, NULL, NULL));
  /* cells owned by this rank: not leaves of the point SF (overlap cells are leaves) */
  PetscCall(DMPlexGetHeightStratum(dm, 0, &cStart, &cEnd));
  PetscCall(PetscCalloc1(cEnd - cStart, &ghost));
  PetscCall(DMGetPointSF(dm, &sf));
  PetscCall(PetscSFGetGraph(sf, NULL, &nleaves, &leaves, NULL));
  for (PetscInt l = 0; l < nleaves && nleaves > 0; l++) {
    const PetscInt p = leaves ? leaves[l] : l;
    if (p >= cStart && p < cEnd) ghost[p - cStart] = PETSC_TRUE;
  }
  for (PetscInt c = cStart; c < cEnd; c++) {
    PetscScalar     *coeffs = NULL;
    PetscInt         csize;
    const PetscReal *qw;

    if (ghost[c - cStart]) continue;
    PetscCall(DMPlexComputeCellGeometryFEM(dm, c, quad, v, J, invJ, detJ));
    PetscCall(DMPlexVecGetClosure(dm, NULL, loc, c, &csize, &coeffs));
    PetscCheck(csize == Nb, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Cell %" PetscInt_FMT " has %" PetscInt_FMT " coefficients, the element %" PetscInt_FMT, c, csize, Nb);
    PetscCall(PetscQuadratureGetData(quad, NULL, NULL, NULL, NULL, &qw));
    for (PetscInt q = 0; q < Nq; q++) {
      PetscReal gref[3] = {0, 0, 0};
      PetscCheck(detJ[q] > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Cell %" PetscInt_FMT " is inverted (det J = %g)", c, (double)detJ[q]);
      w[q]  = qw[q] * detJ[q];
      uh[q] = 0;
      for (PetscInt k = 0; k < Nb; k++) {
        const PetscReal ck = PetscRealPart(coeffs[k]);
        uh[q] += ck * T->T[0][q * Nb + k];
        for (PetscInt e = 0; e < dim; e++) gref[e] += ck * T->T[1][(q * Nb + k) * dim + e];
      }
      for (PetscInt d = 0; d < dim; d++) { /* d/dx_d = sum_e d/dxi_e dxi_e/dx_d */
        gh[q * dim + d] = 0;
        for (PetscInt e = 0; e < dim; e++) gh[q * dim + d] += gref[e] * invJ[q * dim * dim + e * dim + d];
      }
    }
    PetscCall(DMPlexVecRestoreClosure(dm, NULL, loc, c, &csize, &coeffs));
    PetscCall(PoissonErrorsAccumulate(exact, Nq, v, w, uh, gh, &sums[0], &sums[1]));
  }
  PetscCall(PetscFree(ghost));
  PetscCall(DMRestoreLocalVector(dm, &loc));
  PetscCall(PetscFree4(v, J, invJ, detJ));
  PetscCall(PetscFree3(w, uh, gh));
  PetscCall(PetscTabulationDestroy(&T));
  PetscCall(PetscQuadratureDestroy(&quad));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPIU_SUM, comm));
  *l2sq = sums[0];
  *h1   = PetscSqrtReal(sums[1]);
  PetscFunctionReturn(0);
}

/* The mesh and the solution, as PETSc's HDF5 viewer writes them for XDMF, in file. */
static PetscErrorCode PoissonFEMWriteHDF5(PoissonFEM *fem, MPI_Comm comm, const char file[])
{
  PetscViewer viewer;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5Open(comm, file, FILE_MODE_WRITE, &viewer));
  PetscCall(PetscViewerPushFormat(viewer, PETSC_VIEWER_HDF5_XDMF));
  PetscCall(DMView(fem->dm, viewer));
  PetscCall(VecView(fem->u, viewer));
  PetscCall(PetscViewerPopFormat(viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscFunctionReturn(0);
}

/* Shape, element size and class of dataset path in the open file h5 (rank <= 2); *rank = 0 when it is missing. */
static herr_t FEMDatasetShape(hid_t h5, const char path[], int *rank, hsize_t dims[2], size_t *size, H5T_class_t *cls)
{
  hid_t d, sp, t;

  *rank = 0;
  if (H5Lexists(h5, path, H5P_DEFAULT) <= 0) return 0;
  if ((d = H5Dopen2(h5, path, H5P_DEFAULT)) < 0) return -1;
  sp    = H5Dget_space(d);
  t     = H5Dget_type(d);
  *rank = H5Sget_simple_extent_ndims(sp);
  if (*rank >= 1 && *rank <= 2) H5Sget_simple_extent_dims(sp, dims, NULL);
  *size = H5Tget_size(t);
  *cls  = H5Tget_class(t);
  H5Tclose(t);
  H5Sclose(sp);
  H5Dclose(d);
  return (*rank >= 1 && *rank <= 2) ? 0 : -1;
}

/* Appends to text (of length cap) the XDMF DataItem of dataset path of the file named base, as stored. */
static PetscErrorCode FEMDataItem(char text[], size_t cap, const char base[], const char path[], int rank, const hsize_t dims[], size_t size, H5T_class_t cls)
{
  char item[PETSC_MAX_PATH_LEN + 256], d[64];

  PetscFunctionBegin;
  if (rank == 1)
    PetscCall(PetscSNPrintf(d, sizeof(d), "%llu", (unsigned long long)dims[0]));
  else
    PetscCall(PetscSNPrintf(d, sizeof(d), "%llu %llu", (unsigned long long)dims[0], (unsigned long long)dims[1]));
  PetscCall(PetscSNPrintf(item, sizeof(item), "        <DataItem Dimensions=\"%s\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">%s:%s</DataItem>\n", d, cls == H5T_INTEGER ? "Int" : "Float", (int)size, base, path));
  PetscCall(PetscStrlcat(text, item, cap));
  PetscFunctionReturn(0);
}

/* Writes the XDMF description of the PoissonFEMWriteHDF5() file h5 as it is stored (PETSc's petsc_gen_xdmf.py, used
   before, declared the int32 cells as 8-byte floats and the field /vertex_fields/<name> of n values as 1 x n x 1, the
   shapes of a time-stepped file): cells /viz/topology/cells (int), points /geometry/vertices and every field of
   /vertex_fields (node-centred) and /cell_fields (cell-centred), n values (scalar) or n x bs (vector). Rank 0 reads the
   shapes from the committed file and builds the text; every rank learns its outcome; the .xmf is replaced whole. */
static PetscErrorCode PoissonFEMWriteXDMF(MPI_Comm comm, const char file[])
{
  char         xmf[PETSC_MAX_PATH_LEN], why[PETSC_MAX_PATH_LEN + 128] = "";
  char        *text = NULL;
  const size_t cap  = 1 << 16;
  PetscMPIInt  rank;
  int          bad = 0;

  PetscFunctionBegin;
  PetscCall(SNAPSTrajectoryXdmfName(file, xmf, sizeof(xmf)));                /* u.h5 -> u.xmf, as PETSc's generator names it */
  PetscCallMPI(MPI_Bcast(xmf, (PetscMPIInt)sizeof(xmf), MPI_CHAR, 0, comm)); /* rank 0's judgement */
  if (!xmf[0]) PetscFunctionReturn(0);                                       /* no XDMF beside a stream */
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    const char *base = strrchr(file, '/'), *type = NULL, *geometry[3] = {"X", "XY", "XYZ"};
    hid_t       h5;
    int         crank, vrank, nf = 0;
    hsize_t     cdims[2], vdims[2];
    size_t      csize = 0, vsize = 0;
    H5T_class_t ccls = H5T_NO_CLASS, vcls = H5T_NO_CLASS;

    base = base ? base + 1 : file; /* the .xmf sits next to the .h5 and names it relatively */
    PetscCall(PetscCalloc1(cap, &text));
    if ((h5 = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
      bad = 1;
      PetscCall(PetscSNPrintf(why, sizeof(why), "cannot reopen '%s' to read its shapes", file));
    } else {
      if (FEMDatasetShape(h5, "/viz/topology/cells", &crank, cdims, &csize, &ccls) < 0 || crank != 2 || FEMDatasetShape(h5, "/geometry/vertices", &vrank, vdims, &vsize, &vcls) < 0 || vrank != 2) {
        bad = 1;
        PetscCall(PetscSNPrintf(why, sizeof(why), "'%s' has no cells /viz/topology/cells (n x corners) and points /geometry/vertices (n x dim)", file));
      } else {
        /* XDMF's names of PETSc's cell shapes, by dimension and corner count */
        if (vdims[1] == 1 && cdims[1] == 2) type = "Polyline\" NodesPerElement=\"2";
        if (vdims[1] == 2 && cdims[1] == 3) type = "Triangle";
        if (vdims[1] == 2 && cdims[1] == 4) type = "Quadrilateral";
        if (vdims[1] == 3 && cdims[1] == 4) type = "Tetrahedron";
        if (vdims[1] == 3 && cdims[1] == 8) type = "Hexahedron";
        if (!type) {
          bad = 1;
          PetscCall(PetscSNPrintf(why, sizeof(why), "cells of %llu corners in %llu-D have no XDMF topology here", (unsigned long long)cdims[1], (unsigned long long)vdims[1]));
        }
      }
      if (!bad) {
        char head[512];

        PetscCall(PetscSNPrintf(head, sizeof(head), "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n<Xdmf Version=\"2.0\">\n  <Domain>\n    <Grid Name=\"domain\" GridType=\"Uniform\">\n      <Topology TopologyType=\"%s\" NumberOfElements=\"%llu\">\n", type, (unsigned long long)cdims[0]));
        PetscCall(PetscStrlcat(text, head, cap));
        PetscCall(FEMDataItem(text, cap, base, "/viz/topology/cells", crank, cdims, csize, ccls));
        PetscCall(PetscStrlcat(text, "      </Topology>\n", cap));
        PetscCall(PetscSNPrintf(head, sizeof(head), "      <Geometry GeometryType=\"%s\">\n", geometry[vdims[1] - 1])); /* vdims[1] is 1 to 3: a topology type was found */
        PetscCall(PetscStrlcat(text, head, cap));
        PetscCall(FEMDataItem(text, cap, base, "/geometry/vertices", vrank, vdims, vsize, vcls));
        PetscCall(PetscStrlcat(text, "      </Geometry>\n", cap));
        for (int g = 0; g < 2 && !bad; g++) {
          const char *group  = g ? "/cell_fields" : "/vertex_fields";
          hsize_t     nlinks = 0;
          hid_t       gid;

          if (H5Lexists(h5, group, H5P_DEFAULT) <= 0) continue;
          if ((gid = H5Gopen2(h5, group, H5P_DEFAULT)) < 0) continue;
          {
            H5G_info_t info;
            if (H5Gget_info(gid, &info) >= 0) nlinks = info.nlinks;
          }
          for (hsize_t i = 0; i < nlinks && !bad; i++) {
            char        name[256], path[300], head2[512];
            int         frank;
            hsize_t     fdims[2];
            size_t      fsize = 0;
            H5T_class_t fcls  = H5T_NO_CLASS;

            if (H5Lget_name_by_idx(gid, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT) < 0) continue;
            PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", group, name));
            if (FEMDatasetShape(h5, path, &frank, fdims, &fsize, &fcls) < 0 || !frank) continue; /* not a dataset of rank 1 or 2 */
            PetscCall(PetscSNPrintf(head2, sizeof(head2), "      <Attribute Name=\"%s\" AttributeType=\"%s\" Center=\"%s\">\n", name, frank == 1 ? "Scalar" : "Vector", g ? "Cell" : "Node"));
            PetscCall(PetscStrlcat(text, head2, cap));
            PetscCall(FEMDataItem(text, cap, base, path, frank, fdims, fsize, fcls));
            PetscCall(PetscStrlcat(text, "      </Attribute>\n", cap));
            nf++;
          }
          H5Gclose(gid);
        }
        PetscCall(PetscStrlcat(text, "    </Grid>\n  </Domain>\n</Xdmf>\n", cap));
        if (!nf) {
          bad = 1;
          PetscCall(PetscSNPrintf(why, sizeof(why), "'%s' has no field under /vertex_fields or /cell_fields", file));
        }
      }
      H5Fclose(h5);
    }
  }
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(why, (PetscMPIInt)sizeof(why), MPI_CHAR, 0, comm));
  if (bad) PetscCall(PetscFree(text));
  PetscCheck(!bad, comm, PETSC_ERR_LIB, "-view_solution: cannot write the XDMF file '%s': %s", xmf, why);
  PetscCall(SNAPSWriteFileReplace(comm, xmf, text ? text : "", (!rank && text) ? strlen(text) : 0)); /* not synced: neither is the HDF5 file */
  PetscCall(PetscFree(text));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonFEMViewSolution(PoissonFEM *fem, const char file[])
{
  MPI_Comm       comm;
  char           tmp[PETSC_MAX_PATH_LEN];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)fem->dm, &comm));
  PetscCall(PoissonViewTemporaryName(comm, file, tmp, sizeof(tmp)));
  ierr = PoissonFEMWriteHDF5(fem, comm, tmp); /* not PetscCall: the temporary file is removed first */
  PetscCall(PoissonViewCommit(comm, tmp, file, ierr));
  PetscCall(PoissonFEMWriteXDMF(comm, file));
  PetscFunctionReturn(0);
}

PetscErrorCode PoissonFEMDestroy(PoissonFEM *fem)
{
  PetscFunctionBegin;
  PetscCall(VecDestroy(&fem->u));
  PetscCall(DMDestroy(&fem->dm));
  PetscCall(PoissonBoxDestroy(&fem->box));
  fem_exact = NULL;
  PetscFunctionReturn(0);
}
