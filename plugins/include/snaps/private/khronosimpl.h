/* Private data of the KHRONOS SNA type:
     u_j(x) = sum_m C[m, j] prod_p f_{p,m}(t_p),  f_{p,m}(t) = sum_g W[p, g, m] B_{p,g}(t),
   with t_p = (x_p - lower_p) / (upper_p - lower_p) in [0, 1] and B_{p,g} clamped B-splines. */
#pragma once

#include <snaps/private/snaimpl.h>
#include <snaps/bspline.h>

typedef struct {
  PetscInt    degree;      /* spline degree k */
  PetscInt    nodes;       /* G: basis functions per input (same for all inputs) */
  PetscInt    modes;       /* M: current rank */
  PetscInt    max_modes;   /* rank target of greedy enrichment (== modes without enrichment) */
  PetscInt    refine;      /* knot-insertion levels per fit */
  PetscBool   enrich;      /* greedy rank enrichment from rank 1 */
  PetscInt    seed;        /* initialisation seed: the same model for any number of ranks */
  PetscBool   extrapolate; /* ALS with a line search along the last sweep's change (-sna_fit_als_extrapolate) */
  SNABSpline *basis;       /* one basis per input, on [0, 1] */
  PetscReal  *W;           /* W[(p*G + g)*M + m] */
  PetscReal  *C;           /* output head C[m*q + j] */
} SNA_Khronos;

/* Reallocates W and C for G nodes and M modes, keeping no values (caller fills them). */
PETSC_INTERN PetscErrorCode SNAKhronosAllocate(SNA, PetscInt, PetscInt);
/* Sets mode m of every input to deterministic pseudo-random values and its output weights to zero. */
PETSC_INTERN PetscErrorCode SNAKhronosInitializeMode(SNA, PetscInt);
/* Fits by alternating least squares (or single-step block Newton, fit type infinite_descent) with
   optional knot refinement and rank enrichment. */
PETSC_INTERN PetscErrorCode SNAFit_Khronos_ALS(SNA, Vec, Vec);
/* The default fit: ALS while sweeps gain much, then Levenberg-Marquardt on all parameters. */
PETSC_INTERN PetscErrorCode SNAFit_Khronos_Auto(SNA, Vec, Vec);
/* HDF5 model-group I/O. */
PETSC_INTERN PetscErrorCode SNASave_Khronos(SNA, hid_t);
PETSC_INTERN PetscErrorCode SNALoad_Khronos(SNA, hid_t);
