/* Private part of the "sna" KSPGuess: the model as loaded for one linear system. */
#pragma once

#include <snaps/snaguess.h>
#include <snaps/ordering.h>
#include <snaps/private/snaimpl.h>

/* Version of the /pod and /rhs layout (see snaps/snaguess.h). */
#define SNAGUESS_FORMAT_VERSION 1

/* A model file, loaded for vectors of one global layout. */
typedef struct {
  PetscInt   n, q, k, r, N;                      /* vector size, parameters, POD modes, rhs modes, snapshots */
  char       fingerprint[SNAPS_FINGERPRINT_LEN]; /* of the training operator */
  char       ordering[32];                       /* "natural" */
  Vec       *V;                                  /* k POD modes in the global layout */
  Vec       *W;                                  /* r right-hand-side modes in the global layout */
  PetscReal *rhs_map;                            /* k x (r + 1) affine map z -> c, or NULL when ... */
  SNA        sna, rhs_sna;                       /* ... rhs_sna does it; on PETSC_COMM_SELF: every rank evaluates itself */
} SNAGuessModel;

/* Loads file for global vectors of size n ordered as nat describes; checks that the file is a model,
   that its vector size is n and that its parts agree. Collective on comm; errors are raised on comm. */
PETSC_INTERN PetscErrorCode SNAGuessModelLoad(MPI_Comm, const char[], SNAPSNatural, PetscInt, SNAGuessModel *);
/* Frees what SNAGuessModelLoad() allocated and zeroes the struct. */
PETSC_INTERN PetscErrorCode SNAGuessModelDestroy(SNAGuessModel *);
