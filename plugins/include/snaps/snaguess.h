/* The KSPGuess type "sna": a trained surrogate gives the initial guess of a PETSc linear solve.

   Any PETSc program, unmodified, started with
       -dll_append <prefix>/lib/libsnaps.so -ksp_guess_type sna -ksp_guess_sna_model model.h5
   starts each KSPSolve() from the surrogate's prediction; the Krylov method then converges to the
   usual tolerance, so the answer keeps full accuracy. The prediction is x0 = sum_j c_j v_j in a
   POD basis v_j of training solutions, with coordinates c from
   - the problem's parameters mu (SNAGuessSetParameters() or -ksp_guess_sna_params 0.3,0.7) through
     the model's SNA mu -> c, or, when none are given,
   - features of the right-hand side b: its coordinates z_i = <w_i, b> in a POD basis w_i of
     training right-hand sides, mapped to c by a least-squares affine map (or a second SNA) z -> c,
   followed by one of two corrections (options below): the least-squares scaling x0 <- alpha x0 that
   minimises |b - alpha A x0| (default; it also makes the guess right for programs that solve for
   -u, such as Newton steps), or a Galerkin projection in the POD basis, as PETSc's "pod" guess does
   with its history: x0 <- x0 + V y with (V^T A V) y = V^T (b - A x0).

   The Galerkin correction needs the reduced operator V^T A V: k products with A and k^2 dot products
   whenever the operator changes. When A depends polynomially on mu (affinely, for a conductivity
   kappa_0 + sum mu_i kappa_i), a model may carry it as G(mu) = sum_t theta_t(mu) G_t (group /operator),
   so that a new operator costs T k^2 + O(k^3) operations, independent of n: record V^T A V at a few
   parameters with -ksp_guess_sna_record_operators, fit with snaps-pod -model m.h5 -operators rec.h5
   (SNAGuessModelFitOperator()). The model then describes A(mu): a program whose operator changes for
   other reasons (a Newton iteration) should switch it off with -ksp_guess_sna_operator_model false.

   Its options (prefix of the KSP, then -ksp_guess_sna_), their defaults, and what -ksp_view and -ksp_guess_view
   show: the man page KSPGUESSSNA at KSPGuessCreate_SNA() (plugins/ksp/guess/sna/snaguess.c), which -help names.

   Model file contract (HDF5, readable with h5py; written by snaps-pod through SNAGuessModelWrite()):
     /pod                group; attributes snaps_format_version (1), vector_size n, n_params q,
                         n_modes k, n_snapshots N, fingerprint (16 hex digits, see snaps/ordering.h),
                         ordering ("natural")
     /pod/basis          k x n float64: the POD modes, rows in the natural ordering (orthonormal)
     /pod/singular_values  N float64: all singular values of the training snapshots
     /sna                the SNA (KHRONOS) mapping mu (q inputs) to the first ks <= k coordinates (the
                         surrogate's field is x0 = sum_{j<ks} c_j v_j; the Galerkin correction may use all k)
     /operator           optional group: attributes n_modes ko (<= k), n_params q, degree p, n_terms T,
                         n_records; /operator/exponents T x q (float64 holding integers: theta_t(mu) =
                         prod_i mu_i^e_ti), /operator/terms T x ko x ko (row-major G_t, G_t[i][j] belongs to
                         <v_i, A v_j>), /operator/fit_rel_error (1): largest relative Frobenius misfit on
                         the records (about 1e-15 when A is polynomial of degree p in mu)
     /rhs                optional group, for guesses without parameters; attributes n_modes r and
                         map ("linear" or "sna")
     /rhs/basis          r x n float64: POD modes of the training right-hand sides (natural ordering)
     /rhs/singular_values
     /rhs/map            k x (r + 1) float64, when map is "linear": c = L z + l0, row j = (L_j1..L_jr, l0_j),
                         the least-squares affine map (exact when the operator is fixed: u = A^{-1} b)
     /rhs/sna            when map is "sna": an SNA mapping the r coordinates z to the k coordinates c
   A model is rejected, with a message naming both values, when n differs from the linear system's
   size, when the fingerprint differs from the operator's, when the number of parameters given is not
   q, and when parameters are needed but absent and the model has no /rhs group. */
#pragma once

#include <petscksp.h>
#include <snaps/sna.h>

/* The KSPGuess type name, for KSPGuessSetType() and -ksp_guess_type. */
#define KSPGUESSSNA "sna"

/* Registers the "sna" KSPGuess type with PETSc; idempotent. PetscDLLibraryRegister_snaps() calls it. */
PETSC_EXTERN PetscErrorCode SNAGuessInitializePackage(void);
/* The KSPGuess constructor behind KSPGuessSetType(guess, "sna"). */
PETSC_EXTERN PetscErrorCode KSPGuessCreate_SNA(KSPGuess);

/* The parameters mu[q] of the next solves of ksp's "sna" guess (man page at the definition). */
PETSC_EXTERN PetscErrorCode SNAGuessSetParameters(KSP, PetscInt, const PetscReal[]);
/* Wall times (s, this rank) of the last guess of ksp: all of it (correction included), the surrogate's
   prediction of the field x0 = V c, and of its coordinates c alone (any pointer may be NULL); zeros
   when the KSP has no "sna" guess or none was formed yet. */
PETSC_EXTERN PetscErrorCode SNAGuessGetLastTimes(KSP, PetscReal *, PetscReal *, PetscReal *);

/* The surrogate alone, without solves: the fields x_j = V_ks c(mu_j) the model of ksp's "sna" guess
   predicts at N parameter points mu[j q .. j q + q - 1], written to the columns of X, a dense matrix with
   the operator's row layout and N columns (MatCreateDense()), in the operator's ordering. The model is
   loaded and checked against the operator first if no solve did it yet. One SNA evaluation for all
   points and one BLAS gemm for all fields: much faster per field than N single predictions. Collective. */
PETSC_EXTERN PetscErrorCode SNAGuessPredictFields(KSP, PetscInt, const PetscReal[], Mat);

/* What a model file holds: see the contract above. Vectors are in the natural ordering. */
typedef struct {
  const char      *fingerprint;     /* SNAPSOperatorFingerprint() of the training operator */
  PetscInt         n_snapshots;     /* N */
  PetscInt         k;               /* POD modes */
  const Vec       *basis;           /* k modes, all of size n */
  const PetscReal *sigma;           /* N singular values */
  SNA              sna;             /* q inputs -> k outputs */
  PetscInt         r;               /* right-hand-side modes; 0 for a model without /rhs */
  const Vec       *rhs_basis;       /* r modes of size n */
  PetscInt         rhs_n_snapshots; /* number of rhs singular values */
  const PetscReal *rhs_sigma;
  const PetscReal *rhs_map; /* k x (r + 1), row-major: the affine map z -> c; or NULL and ... */
  SNA              rhs_sna; /* ... an SNA with r inputs and k outputs */
} SNAGuessModelData;

/* Writes a model file atomically (temporary file, then rename): /pod, /sna and, when r > 0, /rhs.
   Collective on the vectors' communicator; rank 0 writes. */
PETSC_EXTERN PetscErrorCode SNAGuessModelWrite(const char[], const SNAGuessModelData *);

/* Fits the reduced operator of the model file model from the records written by
   -ksp_guess_sna_record_operators (same model, same basis: checked) as a polynomial of degree p in
   the parameters, by least squares, and adds it to the model as /operator (atomically: the model is
   rewritten through a temporary copy; on failure it is unchanged). Refused: a degree outside 0..6, no more records
   than terms, and records whose parameters do not determine every term (all on one line or plane, such as a fixed
   sum of the parameters: the fit would be exact on them and arbitrary elsewhere). Returns the largest relative
   misfit on the records, the number of terms, of records and of modes (any pointer may be NULL).
   Collective; rank 0 does the work. */
PETSC_EXTERN PetscErrorCode SNAGuessModelFitOperator(MPI_Comm, const char[], const char[], PetscInt, PetscReal *, PetscInt *, PetscInt *, PetscInt *);
