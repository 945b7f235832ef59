/* Variable projection (Golub & Pereyra 1973, Kaufman 1975) for AION models: the baseline of bench_aion.
   The amplitudes of input 0, on which the model is linear, are eliminated by a QR least-squares solve at
   every point; Levenberg-Marquardt (Marquardt scaling, Nielsen's damping update) runs on the rest with
   Kaufman's approximation J_K = (I - Q1 Q1^T) J_eta of the projected residual's Jacobian. */
#pragma once

#include <snaps.h>

typedef struct {
  PetscInt  max_it;                                            /* accepted steps */
  PetscReal gatol;                                             /* stop when |J_K^T r| / N <= gatol (the same gradient test as the TAO runs) */
  PetscErrorCode (*monitor)(SNA, PetscInt, PetscReal, void *); /* after each accepted step, model updated */
  void *monitorctx;
} AionVPOptions;

typedef struct {
  PetscInt  iterations;  /* accepted LM steps */
  PetscInt  trials;      /* linear systems solved (accepted or not) */
  PetscInt  nfunc, njac; /* projected-residual and Jacobian evaluations */
  PetscBool converged;   /* the gradient test was met (not a stall, not the caps) */
} AionVPResult;

/* Fits the AION model sna (set up, parameters = the start) to the serial data X, Y. A start whose amplitude
   columns are linearly dependent (coinciding atoms) is not fitted: no iterations, the model keeps its start. */
PetscErrorCode AionVPFit(SNA, Vec, Vec, const AionVPOptions *, AionVPResult *);
