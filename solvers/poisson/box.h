/* snaps-poisson -method fem on the box [a,b]^d of tensor cells (-fem_assembly box): the same Q_k Lagrange
   discretisation as the DMPlex + PetscFE path (Gauss-Lobatto nodes, k + 1 Gauss points per direction for the
   source, nodal Dirichlet data), on a DMDA of the interior nodes. The box being a uniform tensor grid, the
   stiffness matrix is a Kronecker sum of 1-D element matrices and is written row by row straight into CSR
   (no element loop, no preallocation pass); the load is integrated element by element with the source
   evaluated in batches (PoissonExactEvaluateBatch). */
#pragma once

#include <petscdmda.h>
#include <petscksp.h>
#include "exact.h"

typedef struct _n_PoissonBox *PoissonBox;

/* Whether the box of faces[dim] cells of degree k can be laid out on size ranks (every direction at least k
   interior nodes per rank, the DMDA's stencil width); *why names the failed condition when it cannot. */
PETSC_EXTERN PetscErrorCode PoissonBoxFits(PetscInt, const PetscInt[], PetscInt, PetscMPIInt, PetscBool *, const char **);
/* The DMDA of the interior nodes and the 1-D element tables (the set-up, not timed as solve). Collective. */
PETSC_EXTERN PetscErrorCode PoissonBoxCreate(MPI_Comm, PetscInt, PetscReal, PetscReal, const PetscInt[], PetscInt, PoissonBox *, DM *);
/* The stiffness matrix and the right-hand side (load minus the lifting of the Dirichlet data). Collective. */
PETSC_EXTERN PetscErrorCode PoissonBoxAssemble(PoissonBox, DM, PoissonExact, Mat *, Vec *);
/* Squared L2 and H1-seminorm errors with the quadrature of PoissonFEMComputeErrors (fem.h). Collective. */
PETSC_EXTERN PetscErrorCode PoissonBoxComputeErrors(PoissonBox, DM, Vec, PoissonExact, PetscInt, PetscInt, PetscReal *, PetscReal *);
PETSC_EXTERN PetscErrorCode PoissonBoxDestroy(PoissonBox *);
