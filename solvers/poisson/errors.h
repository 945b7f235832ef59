/* Error norms of a Poisson solution against its manufactured solution, by one high-order quadrature
   shared by every method of snaps-poisson so that their numbers are comparable:

     composite tensor Gauss-Legendre quadrature with `order` points per direction on every cell of a
     uniform grid of `cells` cells per direction over the box [a,b]^d,

   giving  l2_error_squared = int (u_h - u)^2 dx   and   h1_error = sqrt(int |grad(u_h - u)|^2 dx), the H1
   seminorm of the error (not the full H1 norm, which would add the L2 part; the key keeps its name).

   Two ways to use it:
   - PoissonErrorsComputeGrid(): for methods that can evaluate u_h and grad u_h at arbitrary points (the
     separable KHRONOS solution). Each rank integrates its own share of the grid cells and passes its
     points to a callback in batches; the callback is called collectively (the same number of times on
     every rank, possibly with zero points), so it may communicate.
   - FEM (fem.c): the grid is made of the mesh cells, each split into `nsub` sub-cells per direction
     with nsub = ceil(cells / mesh cells per direction) (PoissonErrorsCreateCellQuadrature()). On a box
     mesh whose cell count divides `cells` these are exactly the points and weights of the grid rule,
     and u_h is a polynomial on every sub-cell, so the quadrature is as accurate as the rule allows.
   A method comparable with FEM must therefore use the same `order` and a grid at least as fine
   (`cells` not smaller). The defaults come from PoissonErrorsGetOptions() (-error_cells, -error_order). */
#pragma once

#include <petscdt.h>
#include "exact.h"

/* Evaluates the numerical solution at npoints points x[npoints*dim] of this rank: u[npoints] and
   grad[npoints*dim]. Collective: every rank calls it equally often, possibly with npoints = 0. */
typedef PetscErrorCode (*PoissonApproxFn)(void *ctx, PetscInt npoints, const PetscReal x[], PetscReal u[], PetscReal grad[]);

/* Default grid cells per direction and Gauss points per direction for a dim-D problem, overridden by
   -error_cells and -error_order. */
PETSC_EXTERN PetscErrorCode PoissonErrorsGetOptions(MPI_Comm, PetscInt, PetscInt *, PetscInt *);
/* Integrates the errors of approx against exact over [a,b]^dim with the composite Gauss rule
   (cells per direction, order points per direction); results are the same on every rank. Collective. */
PETSC_EXTERN PetscErrorCode PoissonErrorsComputeGrid(MPI_Comm, PoissonExact, PetscReal, PetscReal, PetscInt, PetscInt, PoissonApproxFn, void *, PetscReal *, PetscReal *);
/* Creates the composite Gauss rule on the reference box [-1,1]^dim: nsub sub-cells per direction,
   order points each; weights sum to 2^dim. */
PETSC_EXTERN PetscErrorCode PoissonErrorsCreateCellQuadrature(PetscInt, PetscInt, PetscInt, PetscQuadrature *);
/* Adds sum_q w[q] (uh[q] - u(x_q))^2 to *l2sq and sum_q w[q] |gradh[q] - grad u(x_q)|^2 to *h1sq,
   with x[n*dim] the physical points and w[n] the physical weights. Not collective. */
PETSC_EXTERN PetscErrorCode PoissonErrorsAccumulate(PoissonExact, PetscInt, const PetscReal[], const PetscReal[], const PetscReal[], const PetscReal[], PetscReal *, PetscReal *);
