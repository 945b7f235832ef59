/* Fuzz harness of the initial-guess model reader (SNAGuessModelLoad, through the "sna" KSPGuess as any
   PETSc program uses it): a 1-D Laplacian of size 16, the model loaded by KSPGuessSetUp(), then guesses
   from the right-hand side, from parameters, with the Galerkin correction, and SNAGuessPredictFields().
   The seed models (tests/fuzz/corpus/guess) are trained for this operator; the fingerprint check is
   off so that a mutated fingerprint does not hide the rest of the file. */
#include "fuzz.h"

#include <petscksp.h>
#include <snaps/snaguess.h>
#include <stdlib.h>

#define N_UNKNOWNS 16
#define MAX_PARAMS 3

/* The operator: tridiag(-1, 2, -1) on PETSC_COMM_WORLD. */
static PetscErrorCode Operator(Mat *A)
{
  PetscFunctionBegin;
  PetscCall(MatCreateAIJ(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, N_UNKNOWNS, N_UNKNOWNS, 3, NULL, 2, NULL, A));
  for (PetscInt i = 0; i < N_UNKNOWNS; i++) {
    PetscCall(MatSetValue(*A, i, i, 2.0, INSERT_VALUES));
    if (i > 0) PetscCall(MatSetValue(*A, i, i - 1, -1.0, INSERT_VALUES));
    if (i < N_UNKNOWNS - 1) PetscCall(MatSetValue(*A, i, i + 1, -1.0, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* Guesses for b from the right-hand side, then from 1 .. MAX_PARAMS parameters (the model takes one
   of these counts; the others are refused), and the fields at two parameter points. */
static PetscErrorCode Guesses(KSP ksp, Vec b, Vec x)
{
  KSPGuess        guess;
  const PetscReal mu[2 * MAX_PARAMS] = {0.1, 0.9, 0.5, 0.3, 0.7, 0.2};

  PetscFunctionBegin;
  PetscCall(KSPGetGuess(ksp, &guess));
  PetscCall(KSPGuessSetUp(guess));
  (void)KSPGuessFormGuess(guess, b, x); /* refused when the model has no /rhs */
  for (PetscInt q = 1; q <= MAX_PARAMS; q++) {
    Mat F;

    PetscCall(SNAGuessSetParameters(ksp, q, mu));
    if (KSPGuessFormGuess(guess, b, x)) continue;
    PetscCall(MatCreateDense(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, N_UNKNOWNS, 2, NULL, &F));
    (void)SNAGuessPredictFields(ksp, 2, mu, F);
    PetscCall(MatDestroy(&F));
  }
  PetscFunctionReturn(0);
}

/* One KSP with the "sna" guess on the model file, Galerkin correction on or off. */
static PetscErrorCode Run(const char path[], PetscBool galerkin, Mat A, Vec b, Vec x)
{
  KSP      ksp;
  KSPGuess guess;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPGetGuess(ksp, &guess));
  PetscCall(KSPGuessSetType(guess, KSPGUESSSNA));
  PetscCall(PetscOptionsSetValue(NULL, "-ksp_guess_sna_model", path));
  PetscCall(PetscOptionsSetValue(NULL, "-ksp_guess_sna_check_fingerprint", "false"));
  PetscCall(PetscOptionsSetValue(NULL, "-ksp_guess_sna_galerkin", galerkin ? "true" : "false"));
  PetscCall(PetscOptionsSetValue(NULL, "-ksp_guess_sna_basis_kernel", "blas"));
  PetscCall(KSPGuessSetFromOptions(guess));
  (void)Guesses(ksp, b, x);
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static Mat A;
  static Vec b, x;
  char       path[PETSC_MAX_PATH_LEN];

  if (!A) { /* the operator is the same for every input; PetscFinalize() destroys it */
    if (Operator(&A) || MatCreateVecs(A, &x, &b) || VecSet(b, 1.0)) abort();
    if (PetscObjectRegisterDestroy((PetscObject)A) || PetscObjectRegisterDestroy((PetscObject)b) || PetscObjectRegisterDestroy((PetscObject)x)) abort();
    if (SNAGuessInitializePackage()) abort();
  }
  if (SNAPSFuzzWriteFile(data, size, "guess", path, sizeof(path))) return 0;
  (void)Run(path, PETSC_FALSE, A, b, x);
  (void)Run(path, PETSC_TRUE, A, b, x);
  SNAPSFuzzDone(path);
  return 0;
}
