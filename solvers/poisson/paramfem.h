/* The parametrised FEM problem of snaps-poisson-param:
     -div(kappa(x; mu) grad u) = f(x; mu) in the box [a,b]^d,   u = 0 on the boundary,
   Lagrange elements on a DMPlex box mesh (or a gmsh file), parameters mu = (mu1..muq).

   Built for surrogate-in-the-loop solves: the mesh is created and refined serially, then distributed
   with DMSetUseNatural(), so every vector has a natural ordering that does not depend on the number of
   ranks (snaps/ordering.h). PETSc 3.18 maps natural vectors correctly only for sections without
   constrained dofs, so the Dirichlet condition is not put in the section: the boundary rows and
   columns of the assembled matrix are replaced by the identity (MatZeroRowsColumns(), which keeps the
   matrix symmetric positive definite) and the right-hand side is zero there. */
#pragma once

#include <petscdmplex.h>
#include <snaps/ordering.h>
#include "field.h"

/* A parametrised problem: mesh, discretisation, operator and right-hand side for the last mu. */
typedef struct {
  DM           dm;           /* distributed mesh with the discretisation */
  SNAPSNatural nat;          /* global <-> natural ordering */
  Mat          A;            /* operator for the last assembled mu (boundary rows: identity) */
  Mat          M;            /* mass matrix, for L2 norms of fields */
  Vec          b;            /* right-hand side for the last assembled mu */
  PetscInt     nbc, *bcrows; /* owned global rows of boundary dofs */
  PetscInt     dim, q, degree, dofs, cells;
  PetscInt     faces[3]; /* box mesh cells per direction (0 for a mesh file) */
  PetscBool    simplex;
  PetscBool    assembled; /* A holds an operator (kept when kappa has no parameters) */
  PoissonField kappa, source;
  char         mesh[PETSC_MAX_PATH_LEN]; /* mesh file or "" */
} PoissonParam;

/* Creates the mesh ([a,b]^dim box from -dm_plex_box_faces (default 32), or -dm_plex_filename; -dm_refine
   etc. applied before distribution), the element (-petscspace_degree, default 1) and the matrices, for the
   conductivity and source expressions with q parameters. Only one problem per process at a time (the
   pointwise functions read it through a file-scope pointer). Collective. */
PETSC_EXTERN PetscErrorCode PoissonParamCreate(MPI_Comm, PetscInt, PetscReal, PetscReal, const char[], const char[], PetscInt, PoissonParam *);
/* Assembles A(mu) and b(mu) for sample number sample; fails naming the sample, mu and a point when kappa(x; mu) <= 0
   or f(x; mu) is not finite somewhere. A conductivity without parameters is assembled only once (the operator, and
   its PETSc state, stay the same). -log_view event PoissonParamAssemble. Collective. */
PETSC_EXTERN PetscErrorCode PoissonParamAssemble(PoissonParam *, PetscInt, const PetscReal[]);
/* The L2 norm sqrt(v^T M v) of a field given by its global vector. Collective. */
PETSC_EXTERN PetscErrorCode PoissonParamL2Norm(PoissonParam *, Vec, Vec, PetscReal *);
/* Frees everything. */
PETSC_EXTERN PetscErrorCode PoissonParamDestroy(PoissonParam *);
