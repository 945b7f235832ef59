/* Private data of rollout surrogates (snaps/surrogate.h), shared by loading, stepping and training. */
#pragma once

#include <snaps/surrogate.h>

struct _n_SNAPSSurrogate {
  MPI_Comm   comm;
  char       kind[16], equation[32], field[32];
  PetscInt   npts, D, q; /* grid points, latent coordinates, bins */
  PetscReal  length, dt;
  PetscReal *basis;          /* D x npts, orthonormal rows */
  PetscReal *mean;           /* npts */
  PetscReal *lower, *upper;  /* D: the box of the training states, which rollouts stay in (where the SNAs are defined) */
  PetscInt   steps, clamped; /* states stepped, coordinates that left the box (held at it when clamp) */
  PetscBool  clamp;          /* whether steps keep the state in the box (models whose SNAs are constant beyond it) */
  PetscReal *edges;          /* D x (q + 1): bin edges of the residual of each coordinate (categorical) */
  SNA       *drift;          /* D drifts, drift i: z -> z_i(t + dt) - z_i(t) */
  SNA       *head;           /* D categorical heads (categorical models), head i with D + i inputs */
};

/* z = basis (u - mean). */
PETSC_INTERN void SNAPSLatentEncode(PetscInt, PetscInt, const PetscReal[], const PetscReal[], const PetscReal[], PetscReal[]);
/* g (n x D) = the drift at n latent states z (n x D). */
PETSC_INTERN PetscErrorCode SNAPSSurrogateDrift(SNAPSSurrogate, PetscInt, const PetscReal[], PetscReal[]);
/* y (n x q) = the SNA at n local rows x (n x d). */
PETSC_INTERN PetscErrorCode SNAPSEvaluateRows(SNA, PetscInt, const PetscReal[], PetscReal[]);
