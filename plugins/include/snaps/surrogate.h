/* Rollout surrogates of time-dependent solvers (SCIENCE.md section 4): a model that advances a reduced state
   by one step of dt, deterministically or by sampling the distribution of the next state.

   The state u (npts values) is reduced to D latent coordinates z = B (u - mean) by a basis B with orthonormal
   rows (snaps/latent.h: the first r Fourier modes of a 1-D field, cos and sin, D = 2r; or the training mean
   and the leading r POD modes, D = r), and decoded as u = mean + B^T z.
     deterministic: z' = z + g(z), g_i a KHRONOS SNA (D inputs, one output) fitted by MSE to z_i(t+dt) - z_i(t).
     categorical:   z' = z + g(z) + e, where e is sampled coordinate by coordinate (chain rule):
                      p(e | z) = prod_i p(e_i | z, e_0, ..., e_{i-1}),
                    each factor a KHRONOS categorical head (D + i inputs, q logits, cross-entropy fit)
                    over q quantile bins of the training residuals e_i = z_i(t+dt) - z_i(t) - g_i(z(t)).
                    Since z' and e determine each other given z, this is p(z'_i | z, z'_<i) exactly.
                    A token is a bin; decoding draws e_i uniformly within the sampled bin.
                    Markov heads (-head_markov) also condition factor i on e_i of the step before (the
                    drift's error is smooth along a trajectory, not white): D + i + 1 inputs.
   One head per coordinate rather than one SNA with the coordinate index as an input: the conditional
   distributions differ in shape from coordinate to coordinate, and a shared separable head would have to
   carry all of them in one rank (one C), while the conditioning inputs differ in number (D + i).

   The model file (HDF5, readable by h5py): every SNA in a group of the usual /sna contract, the drifts in
   /surrogate/drift<i>/sna and the categorical heads in /surrogate/head<i>/sna; group /surrogate has attributes kind
   ("deterministic" or "categorical"), equation, field, npts, length, latent (D), bins (q), dt, markov (0 or 1), residual_scale (a step adds the drawn residual times it), and
   datasets basis (D x npts), mean (npts), lower and upper (D: the box of the training states) and, for
   categorical models, edges (D x (q + 1)). */
#pragma once

#include <snaps/sna.h>
#include <snaps/trajectory.h>
#include <snaps/report.h>

typedef struct _n_SNAPSSurrogate *SNAPSSurrogate;

/* The model: pages at the definitions (plugins/rollout/surrogate.c). */
PETSC_EXTERN PetscErrorCode SNAPSSurrogateLoad(MPI_Comm, const char[], SNAPSSurrogate *);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateDestroy(SNAPSSurrogate *);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateCheckSystem(SNAPSSurrogate, const char[], const char[], PetscInt, PetscInt, PetscReal);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateCheckPhysics(SNAPSSurrogate, const char[], PetscReal, PetscReal, PetscInt, PetscReal);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateGetInfo(SNAPSSurrogate, const char **, PetscInt *, PetscInt *, PetscReal *);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateGetClampCount(SNAPSSurrogate, PetscBool *, PetscInt *, PetscInt *);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateSetSIMD(SNAPSSurrogate, PetscBool);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateGetKernel(SNAPSSurrogate, const char **);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateEncode(SNAPSSurrogate, const PetscReal[], PetscReal[]);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateDecode(SNAPSSurrogate, const PetscReal[], PetscReal[]);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateStep(SNAPSSurrogate, PetscInt, PetscReal[], PetscRandom[]);

/* Tokens and sampling: pages at the definitions (plugins/rollout/surrogate.c). */
PETSC_EXTERN PetscInt  SNAPSTokenEncode(PetscInt, const PetscReal[], PetscReal);
PETSC_EXTERN PetscReal SNAPSTokenDecode(PetscInt, const PetscReal[], PetscInt, PetscReal);
PETSC_EXTERN PetscInt SNAPSCategoricalSample(PetscInt, const PetscReal[], PetscReal);
/* The same from q logits (overwritten by their weights e^(l_j - max l)), without the softmax. */
PETSC_EXTERN PetscInt SNAPSCategoricalSampleLogits(PetscInt, PetscReal[], PetscReal);

/* Training from solver trajectories (every rank loads the files; the pairs are spread over the ranks and
   each fit is data-parallel): writes the categorical model and the deterministic twin (the same drift) to
   the two files (either may be NULL or empty). Options: -latent fourier|pod, -latent_modes r (8), -latent_snapshots, -rollout_dt (the files'
   spacing), -bins q (16), -bin_tail (1e-3), -train_stride s (1), -head_stride (1), -head_markov (false),
   -residual_scale (1), the drift's -drift_sna_* and the heads'
   -head_sna_* options. Warns about unused options before the fits (the caller reads its own first); the figures of
   the fit go into the report, if not NULL (the caller writes it: snaps-rollout-fit -results). errors (NULL: raised by
   it once the models are written) gets the numbers of drift and head fits that did not converge under
   -drift_sna_fit_error_if_not_converged and -head_sna_fit_error_if_not_converged, for the caller to raise by
   SNAPSSurrogateCheckConverged() once it has written its report. */
PETSC_EXTERN PetscErrorCode SNAPSSurrogateTrain(MPI_Comm, PetscInt, const char *const[], const char[], const char[], SNAPSReport, PetscInt[2]);
PETSC_EXTERN PetscErrorCode SNAPSSurrogateCheckConverged(MPI_Comm, const PetscInt[2], const char[], const char[]);
