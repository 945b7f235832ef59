/* snaps-poisson -method fem: -Laplace(u) = f with Dirichlet data from the manufactured solution, on a
   DMPlex (box mesh of quadrilaterals/hexahedra, or a gmsh file) with a Lagrange PetscFE. */
#pragma once

#include <petscdmplex.h>
#include "exact.h"
#include "box.h"

/* A solved FEM problem: its mesh, solution and figures. */
typedef struct {
  DM         dm;                      /* distributed mesh with the discretisation (a DMDA of the interior nodes for -fem_assembly box) */
  PoissonBox box;                     /* -fem_assembly box: the tensor-grid discretisation; NULL for DMPlex + PetscFE */
  Vec        u;                       /* global solution (Dirichlet values live in the local vectors) */
  PetscInt   dofs;                    /* unknowns: global size of u */
  PetscInt   degree;                  /* polynomial degree of the element (-petscspace_degree) */
  PetscInt   cells;                   /* global number of mesh cells */
  PetscInt   faces[3];                /* box mesh cells per direction; 0 for a mesh file */
  PetscInt   error_cells[3];          /* the error grid used per direction (PoissonFEMComputeErrors()): faces x sub-cells, at
                                         least -error_cells; 0 for simplices and mesh files (quadrature on the cells) */
  PetscBool simplex;                  /* triangles/tetrahedra (1-D segments count as tensor cells) */
  PetscInt  iterations;               /* Krylov iterations */
  PetscReal setup_time;               /* mesh, distribution, discretisation (s, max over ranks) */
  PetscReal solve_time;               /* assembly and linear solve (s, max over ranks) */
  char      mesh[PETSC_MAX_PATH_LEN]; /* mesh file, or "" for a box mesh */
} PoissonFEM;

/* Builds the mesh ([a,b]^dim box from -dm_plex_box_faces, or -dm_plex_filename), the element
   (-petscspace_degree), the Dirichlet condition u = exact on the whole boundary, and solves. -fem_assembly
   auto (default) takes the tensor-grid path of box.h for a box of quadrilaterals/hexahedra (no mesh file, no
   -dm_plex_simplex, no -dm_refine, no -view_solution): KSP on the assembled operator, defaults -ksp_type cg
   -pc_type hypre (BoomerAMG; gamg without hypre) -ksp_rtol 1e-12; otherwise (or -fem_assembly plex) DMPlex +
   PetscFE with SNES KSPONLY, defaults -ksp_type cg -pc_type gamg -ksp_rtol 1e-12; all overridable. exact must outlive
   fem (the pointwise source reads it through a file-scope pointer: one FEM problem per process at a
   time). Collective. */
PETSC_EXTERN PetscErrorCode PoissonFEMSolve(MPI_Comm, PoissonExact, PetscInt, PetscReal, PetscReal, PoissonFEM *);
/* For -help: sets up the mesh, the field and the solver, so that their options are read (and printed), then
   frees them without solving. */
PETSC_EXTERN PetscErrorCode PoissonFEMViewOptions(MPI_Comm, PoissonExact, PetscInt, PetscReal, PetscReal);
/* Squared L2 and H1-seminorm errors of the solution by the shared quadrature (errors.h): composite
   Gauss with order points per direction on every mesh cell split into ceil(cells / box cells per
   direction) sub-cells per direction; simplices use one Stroud conical rule of degree + order points per
   direction per cell. Collective. */
PETSC_EXTERN PetscErrorCode PoissonFEMComputeErrors(PoissonFEM *, PoissonExact, PetscInt, PetscInt, PetscReal *, PetscReal *);
/* Writes mesh and solution to an HDF5 file with the XDMF layout, then <file>.xmf for ParaView. Collective. */
PETSC_EXTERN PetscErrorCode PoissonFEMViewSolution(PoissonFEM *, const char[]);
/* Frees the mesh and the solution. */
PETSC_EXTERN PetscErrorCode PoissonFEMDestroy(PoissonFEM *);
