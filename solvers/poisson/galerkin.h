/* snaps-poisson -method khronos: Ritz/Galerkin solution of -Laplace(u) = f on the box [a,b]^d in the
   separable KHRONOS trial space

     u_h(x) = L(x) + sum_{m=1..M} prod_{p=1..d} phi_{p,m}(x_p),   phi_{p,m} = sum_g W[p,g,m] B_g(x_p),

   with B_g the interior functions of a clamped B-spline basis (every mode vanishes on the boundary) and L
   a separable transfinite lifting of the Dirichlet data built from boundary values only. W is found by
   alternating least squares (ALS) on the energy J(u) = 1/2 a(u,u) - (f,u) with greedy rank enrichment;
   every integral factorises into 1-D mass and stiffness matrices once f is compressed to low rank.
   The algebra is tiny and dense, so every rank computes the same solution redundantly. */
#pragma once

#include <snaps/bspline.h>
#include "exact.h"

/* A solved KHRONOS problem: its basis, coefficients and figures (read-only for users). */
typedef struct {
  PetscInt    dim;           /* d */
  PetscReal   a, b;          /* the box [a,b]^d */
  PetscInt    degree;        /* spline degree k (-khronos_degree) */
  PetscInt    nodes;         /* G: basis functions per direction incl. the two boundary ones (-khronos_nodes) */
  PetscInt    n;             /* G - 2 interior functions per direction */
  PetscInt    modes_max;     /* largest rank (-khronos_modes) */
  PetscInt    modes;         /* rank used */
  PetscInt    dofs;          /* trainable parameters d * (G-2) * modes */
  PetscInt    sweeps;        /* largest number of ALS sweeps per stage (-khronos_sweeps) */
  PetscInt    total_sweeps;  /* ALS sweeps done */
  PetscReal   tol;           /* relative energy decrease below which enrichment stops (-khronos_tol) */
  PetscReal   energy;        /* final energy 1/2 a(u0,u0) - (f,u0) + a(L,u0) of the homogeneous part */
  PetscInt    source_rank;   /* rank of the compressed source */
  PetscReal   source_error;  /* relative weighted L2 error of the compressed source */
  const char *source_method; /* how the source was compressed and checked: grid, sampled, rank-1 cross */
  PetscInt    lift_terms;    /* separable terms of the lifting (0: homogeneous Dirichlet data) */
  PetscReal   setup_time;    /* basis, source compression, lifting (s, max over ranks) */
  PetscReal   solve_time;    /* ALS (s, max over ranks) */
  SNABSpline  bs;            /* full clamped basis, G functions */
  PetscReal  *W;             /* W[(p*modes_max + m)*n + g] */
  PetscReal  *lift;          /* lift[(t*d + p)*G + g]: full-basis coefficients of the lifting terms */
  PetscReal  *Mf, *Kf;       /* full G x G mass and stiffness */
  PetscInt    nq;            /* 1-D quadrature points (Gauss per knot interval) */
  PetscReal  *xq, *wq, *Bq;  /* points, weights, basis values Bq[q*G + g] */
  MPI_Comm    comm;
} PoissonKhronos;

/* Reads the -khronos_* options, compresses the source, builds the lifting from the Dirichlet data of
   exact and solves by ALS with rank enrichment. Collective (redundant on every rank). */
PETSC_EXTERN PetscErrorCode PoissonKhronosSolve(MPI_Comm, PoissonExact, PetscInt, PetscReal, PetscReal, PoissonKhronos *);
/* Errors against exact: *l2grid and *h1 by the shared grid quadrature (errors.h, cells and order per
   direction), *l2sep the squared L2 error computed separably from a low-rank compression of u (rank
   *urank, relative error *uerr) with 1-D Gauss quadrature. Collective. */
PETSC_EXTERN PetscErrorCode PoissonKhronosComputeErrors(PoissonKhronos *, PoissonExact, PetscInt, PetscInt, PetscReal *, PetscReal *, PetscReal *, PetscInt *, PetscReal *);
/* Frees the basis and coefficients. */
PETSC_EXTERN PetscErrorCode PoissonKhronosDestroy(PoissonKhronos *);
