/* Private part of the "sna" KSPGuess: the model as loaded for one linear system. */
#pragma once

#include <snaps/snaguess.h>
#include <snaps/ordering.h>
#include <snaps/private/snaimpl.h>

/* Version of the /pod and /rhs layout (see snaps/snaguess.h). */
#define SNAGUESS_FORMAT_VERSION 1

/* Most terms of a reduced-operator model: snaps-pod fits no more, the guess loads no more (the same limit at both). */
#define SNAGUESS_OPERATOR_MAX_TERMS 100000

/* The reduced operator as a function of the parameters: G(mu) = sum_t theta_t(mu) G_t (group /operator). */
typedef struct {
  PetscInt   k, q, degree, T, nrecords; /* k x k blocks, q parameters, monomials of degree <= degree, T of them */
  PetscInt  *exponents;                 /* T x q */
  PetscReal *terms;                     /* T blocks k x k, column-major */
  PetscReal  misfit;                    /* largest relative Frobenius misfit of the fit on its records */
  PetscBool  symmetric;                 /* every G_t symmetric (to 1e-13, then made exactly so): so is G(mu) */
} SNAGuessOperatorModel;

/* Reduced operators recorded by the guess (-ksp_guess_sna_record_operators), for the fit. */
typedef struct {
  PetscInt   k, q, n, count, cap;
  char       fingerprint[SNAPS_FINGERPRINT_LEN];
  PetscReal *X, *G; /* count x q parameters, count x k x k operators (row-major) */
  PetscReal *l1;    /* k: the 1-norm of each mode, which ties the records to their basis */
} SNAGuessOperatorRecords;

/* k vectors of the operator's layout. For the standard host vector types they are stored contiguously,
   column j at data + j * nloc, so that a pass over all of them is one BLAS gemv (snaguessbasis.c). */
typedef struct {
  PetscInt     k, nloc;
  Vec         *v;    /* the k vectors (sharing data when it is not NULL) */
  PetscScalar *data; /* nloc x k column-major; NULL for other vector types (then only PETSc's kernels) */
} SNAGuessBasis;

/* A model file, loaded for vectors of one global layout. */
typedef struct {
  PetscInt               n, q, k, ks, r, N;                  /* vector size, parameters, POD modes, SNA outputs (ks <= k), rhs modes, snapshots */
  SNAGuessOperatorModel *op;                                 /* NULL when the model has no /operator */
  char                   fingerprint[SNAPS_FINGERPRINT_LEN]; /* of the training operator */
  char                   ordering[32];                       /* "natural" */
  SNAGuessBasis          V;                                  /* k POD modes in the global layout */
  SNAGuessBasis          W;                                  /* r right-hand-side modes in the global layout */
  PetscReal             *rhs_map;                            /* k x (r + 1) affine map z -> c, or NULL when ... */
  SNA                    sna, rhs_sna;                       /* ... rhs_sna does it; on PETSC_COMM_SELF: every rank evaluates itself */
} SNAGuessModel;

/* Loads file for global vectors of size n ordered as nat describes; checks that the file is a model,
   that its vector size is n and that its parts agree. Collective on comm; errors are raised on comm. */
PETSC_INTERN PetscErrorCode SNAGuessModelLoad(MPI_Comm, const char[], SNAPSNatural, PetscInt, SNAGuessModel *);
/* Frees what SNAGuessModelLoad() allocated and zeroes the struct. */
PETSC_INTERN PetscErrorCode SNAGuessModelDestroy(SNAGuessModel *);

/* Allocates a basis of k zero vectors laid out as nat's global vectors. Collective. */
PETSC_INTERN PetscErrorCode SNAGuessBasisCreate(SNAPSNatural, PetscInt, SNAGuessBasis *);
PETSC_INTERN PetscErrorCode SNAGuessBasisDestroy(SNAGuessBasis *);
/* out[i] = <b, v_i> for i < m: one BLAS gemv on the contiguous block and a reduction when blas (and
   the basis is contiguous), else VecMDot. Collective. */
PETSC_INTERN PetscErrorCode SNAGuessBasisDot(const SNAGuessBasis *, PetscBool, Vec, PetscInt, PetscScalar[]);
/* x = sum_{i<m} c_i v_i (add: x += ...), by BLAS gemv when blas, else VecMAXPY. Not collective. */
PETSC_INTERN PetscErrorCode SNAGuessBasisCombine(const SNAGuessBasis *, PetscBool, PetscInt, const PetscScalar[], PetscBool, Vec);
/* X[:, j] = sum_{i<m} C[i + j m] v_i for j < N: N fields at once, X column-major (leading dimension
   ldx >= nloc, local rows). One BLAS gemm when the basis is contiguous, else VecMAXPY per field. Not collective. */
PETSC_INTERN PetscErrorCode SNAGuessBasisCombineMany(const SNAGuessBasis *, PetscInt, PetscInt, const PetscScalar[], PetscScalar[], PetscInt);
/* The time of one pass V^T w plus one pass V c over all modes with BLAS (PETSC_MAX_REAL if the basis is
   not contiguous) and with VecMDot/VecMAXPY: the best of 3, the slowest rank's. Collective. */
PETSC_INTERN PetscErrorCode SNAGuessBasisTimeKernels(const SNAGuessBasis *, PetscReal *, PetscReal *);
PETSC_INTERN PetscLogEvent  KSPGUESS_SNA_BasisDot, KSPGUESS_SNA_BasisCombine;

/* Not collective: columns [lo, hi) of the k x n dataset <group>/basis of an open model file into
   *rows (k * (hi - lo), row-major; allocated here, once the dataset's shape and storage are checked,
   and freed by the caller); rejects a wrong shape, missing data, a failed checksum and NaN or Inf. */
PETSC_INTERN PetscErrorCode SNAGuessReadBasisColumns_Local(hid_t, const char[], const char[], PetscInt, PetscInt, PetscInt, PetscInt, PetscScalar **);
/* Appends mu[q] and the column-major k x k reduced operator G to the records in file (none if it does not exist;
   refused if they were made for another model or number of modes: rec's k, q, n, fingerprint and l1 say which),
   read again under a lock so that runs recording at the same time keep theirs, and rewrites file atomically; rec
   holds the file's records on return. option: the option that named file (-<prefix>ksp_guess_sna_record_operators),
   which the messages name. Collective. */
PETSC_INTERN PetscErrorCode SNAGuessOperatorRecordsAdd(MPI_Comm, const char[], const char[], SNAGuessOperatorRecords *, const PetscReal[], const PetscScalar[]);
PETSC_INTERN PetscErrorCode SNAGuessOperatorRecordsDestroy(SNAGuessOperatorRecords *);
/* Loads /operator of a model with q parameters and k modes, if it has one (else *op = NULL). Collective. */
PETSC_INTERN PetscErrorCode SNAGuessOperatorLoad(MPI_Comm, const char[], PetscInt, PetscInt, SNAGuessOperatorModel **);
/* G (kg x kg, column-major) = the leading block of the modelled reduced operator at mu. Not collective. */
PETSC_INTERN PetscErrorCode SNAGuessOperatorEvaluate(const SNAGuessOperatorModel *, const PetscReal[], PetscInt, PetscScalar[]);
PETSC_INTERN PetscErrorCode SNAGuessOperatorDestroy(SNAGuessOperatorModel **);
