/* snaps-poisson -method khronos: Ritz/Galerkin solution of -Laplace(u) = f on the box [a,b]^d in the
   separable KHRONOS trial space

     u_h(x) = L(x) + sum_{m=1..M} prod_{p=1..d} phi_{p,m}(x_p),   phi_{p,m} = sum_g W[p,g,m] B_g(x_p),

   with B_g the interior functions of a clamped B-spline basis (every mode vanishes on the boundary) and L
   a separable transfinite lifting of the Dirichlet data built from boundary values only. W is found by
   the SNA class's Ritz fit (SNASetRitzForm(), SNAFit(): block alternating least squares on the energy
   J(u) = 1/2 a(u,u) - (f,u) with greedy rank enrichment); every integral factorises into 1-D mass and
   stiffness matrices once f is compressed to low rank, so the solver only builds those and the source.
   In 2-D the default (-khronos_solve tensor) skips the compression: f is integrated by tensor Gauss
   quadrature, the Galerkin system of the whole tensor space is solved by fast diagonalisation (one 1-D
   generalised eigenproblem) and its SVD truncated to the lowest rank within the energy tolerance.
   The algebra is tiny and dense, so every rank computes the same solution redundantly.

   The solution is a KHRONOS SNA (type khronos, one output) on the box [a,b]^d: its M + T modes are the M
   Galerkin modes (boundary coefficients zero) followed by the T lifting terms, all with output weight 1.
   Its options are the class's (-sna_khronos_degree, -sna_khronos_nodes, -sna_khronos_modes, -sna_fit_max_it (als
   only: the tensor solve runs no fit and refuses it), -sna_fit_rtol, -sna_monitor); it can be saved (SNASave) and evaluated anywhere (SNAEvaluate, snaps-predict). */
#pragma once

#include <snaps/bspline.h>
#include <snaps/sna.h>
#include "exact.h"

/* A solved KHRONOS problem: its basis, coefficients and figures (read-only for users). */
typedef struct {
  PetscInt    dim;              /* d */
  PetscReal   a, b;             /* the box [a,b]^d */
  PetscInt    degree;           /* spline degree k (-sna_khronos_degree) */
  PetscInt    nodes;            /* G: basis functions per direction incl. the two boundary ones (-sna_khronos_nodes) */
  PetscInt    n;                /* G - 2 interior functions per direction */
  PetscInt    modes_max;        /* largest rank (-sna_khronos_modes) */
  PetscInt    modes;            /* rank used */
  PetscInt    dofs;             /* trainable parameters d * (G-2) * modes */
  PetscInt    sweeps;           /* largest number of ALS sweeps per stage (-sna_fit_max_it) */
  PetscInt    total_sweeps;     /* ALS sweeps done */
  PetscReal   tol;              /* relative energy decrease below which enrichment stops (-sna_fit_rtol) */
  PetscReal   energy;           /* final energy 1/2 a(u0,u0) - (f,u0) + a(L,u0) of the homogeneous part */
  const char *solve;            /* -khronos_solve: tensor (2-D: whole tensor space, then rank truncation) or als */
  const char *reason;           /* als: how the SNA's Ritz fit stopped (SNAConvergedReasons); tensor: NULL (a direct solve) */
  const char *truncation;       /* tensor: why the rank truncation stopped: "tolerance" (energy error <= -sna_fit_rtol |J|),
                                   "full rank" or "rank cap" (-sna_khronos_modes reached first); als: NULL */
  PetscReal   truncation_error; /* tensor: the energy error of the truncation (0 for als) */
  const char *rank_stop;        /* als: what ended the greedy rank growth: "tolerance" (a further mode lowered the energy by
                                   <= -sna_fit_rtol |J| and was dropped), "rank cap" (-sna_khronos_modes reached: more modes
                                   were not tried, while reason, the last ALS stage's, may say CONVERGED_RTOL) or "not
                                   finite"; tensor: NULL */
  PetscInt    source_rank;      /* rank of the compressed source (0: not compressed) */
  PetscReal   source_error;     /* relative weighted L2 error of the compressed source */
  PetscReal   source_tol;       /* -khronos_source_tol, which source_error may miss (the best rank found is kept) */
  PetscBool   source_tol_used;  /* whether source_tol was used: als always; tensor only by the source's rank-1 cross probe */
  const char *source_method;    /* how the source was compressed and checked: grid, sampled, rank-1 cross */
  PetscInt    lift_terms;       /* separable terms of the lifting (0: homogeneous Dirichlet data) */
  PetscReal   setup_time;       /* basis, source compression, lifting (s, max over ranks) */
  PetscReal   solve_time;       /* ALS (s, max over ranks) */
  SNABSpline  bs;               /* full clamped basis, G functions */
  PetscReal  *W;                /* ALS work: W[(p*modes_max + m)*n + g]; freed once the solution is in sna */
  PetscReal  *lift;             /* lift[(t*d + p)*G + g]: full-basis coefficients of the lifting terms (freed likewise) */
  PetscReal  *Mf, *Kf;          /* full G x G mass and stiffness */
  PetscInt    nq;               /* 1-D quadrature points (Gauss per knot interval) */
  PetscReal  *xq, *wq, *Bq;     /* points, weights, basis values Bq[q*G + g] */
  SNA         sna;              /* the solution as a KHRONOS model (modes, then lifting terms) */
  MPI_Comm    comm;
} PoissonKhronos;

/* Creates the SNA (defaults degree 3, 10 nodes; als: 4 modes, 50 sweeps per stage, rtol 1e-10; tensor:
   rtol 1e-15, no rank cap; then SNASetFromOptions), reads -khronos_solve and the -khronos_source_*
   options, builds the lifting from the Dirichlet data of exact, solves (tensor: quadrature of f, fast
   diagonalisation, rank truncation; als: compressed source, ALS with rank enrichment) and stores the
   solution in kh->sna. Rejects the old -khronos_degree/nodes/modes/sweeps/tol/monitor names, the -sna_ options
   a Galerkin solve cannot use and the source options the tensor solve does not apply (-khronos_source_rank; the
   tolerance and -khronos_source_cross where it tries no cross probe of f). Collective (redundant on every rank). */
PETSC_EXTERN PetscErrorCode PoissonKhronosSolve(MPI_Comm, PoissonExact, PetscInt, PetscReal, PetscReal, PoissonKhronos *);
/* -help: lists -khronos_solve, the SNA's options with the solver's defaults (those of the solve -khronos_solve
   chooses) and the -khronos_source_* options, without solving; checks none of them. Collective. */
PETSC_EXTERN PetscErrorCode PoissonKhronosViewOptions(MPI_Comm, PetscInt, PetscReal, PetscReal);
/* Errors against exact: *l2grid and *h1 by the shared grid quadrature (errors.h, cells and order per
   direction), *l2sep the squared L2 error computed separably from a low-rank compression of u (rank
   *urank, relative error *uerr) with 1-D Gauss quadrature of at least degree + 4 points per knot interval (the
   solve's rule where it has as many). Collective. */
PETSC_EXTERN PetscErrorCode PoissonKhronosComputeErrors(PoissonKhronos *, PoissonExact, PetscInt, PetscInt, PetscReal *, PetscReal *, PetscReal *, PetscInt *, PetscReal *);
/* Writes the solution on a tensor grid of npoints per direction over [a,b]^d (d = 2 or 3) as an HDF5
   file with /X (grid points, N x d) and /Y (values, N x 1), the dataset contract that snaps-predict
   reads, plus the same values as /u shaped like the grid, and <file>.xmf describing the structured
   grid (points /X, node values /u) for ParaView. Collective. */
PETSC_EXTERN PetscErrorCode PoissonKhronosViewSolution(PoissonKhronos *, const char[], PetscInt);
/* Refuses a -khronos_view_points grid (npoints per direction in dim dimensions) of fewer than 2 points or one that
   does not fit in memory; PoissonKhronosViewSolution() checks it too, the caller before the solve. Collective. */
PETSC_EXTERN PetscErrorCode PoissonKhronosCheckViewPoints(MPI_Comm, PetscInt, PetscInt);
/* Frees the basis, the coefficients and the SNA. */
PETSC_EXTERN PetscErrorCode PoissonKhronosDestroy(PoissonKhronos *);
