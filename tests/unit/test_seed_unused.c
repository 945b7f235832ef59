static const char help[] = "A seed that draws nothing in a fit that holds no samples out is warned about on stderr, and a seed that\n"
                           "draws the start is not: KHRONOS's and AION's seeds in the library's order (SNASetUp(), SNASetParameters(),\n"
                           "SNAFit()), AION's -sna_aion_init on a set-up model, and KHRONOS's tensor start, which replaces the\n"
                           "random start in every mode unless it leaves modes to it, and AION's matrix-pencil start of infinite\n"
                           "descent on uniform samples, which replaces the seeded draw. Serial.\n";

#include <snaps.h>
#include <string.h>
#include "fit_stderr.h"

/* N samples of 2 inputs in [0,1]^2, y = sin(3 x0) x1 + x0^2: of rank 2, so the tensor start fills 2 modes, not 6. */
static PetscErrorCode Data(PetscInt N, Vec *X, Vec *Y)
{
  PetscReal *x, *y;

  PetscFunctionBegin;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 2 * N, X));
  PetscCall(VecSetBlockSize(*X, 2));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, Y));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    x[2 * i]     = (PetscReal)((i * 37) % N) / N;
    x[2 * i + 1] = (PetscReal)((i * 11) % 17) / 16.0;
    y[i]         = PetscSinReal(3 * x[2 * i]) * x[2 * i + 1] + x[2 * i] * x[2 * i];
  }
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(VecRestoreArray(*Y, &y));
  PetscFunctionReturn(0);
}

/* N uniform samples of 1 input in [0,1], two damped cosines: AION's matrix pencil solves them exactly. */
static PetscErrorCode DataUniform(PetscInt N, Vec *X, Vec *Y)
{
  PetscReal *x, *y;

  PetscFunctionBegin;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, X));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, N, Y));
  PetscCall(VecGetArray(*X, &x));
  PetscCall(VecGetArray(*Y, &y));
  for (PetscInt i = 0; i < N; i++) {
    x[i] = (PetscReal)i / (N - 1);
    y[i] = PetscExpReal(-0.3 * x[i]) * PetscCosReal(7 * x[i]) + 0.5 * PetscExpReal(0.2 * x[i]) * PetscCosReal(3 * x[i]);
  }
  PetscCall(VecRestoreArray(*X, &x));
  PetscCall(VecRestoreArray(*Y, &y));
  PetscFunctionReturn(0);
}

/* Fits a model of prefix pre (options in opts) on X, Y after SNASetUp() and, if set_params, SNASetParameters(), with
   PETSc's stderr captured; checks that it holds want (NULL: no "WARNING: option" at all). */
static PetscErrorCode Case(const char pre[], const char opts[], PetscBool set_params, const char retype[], Vec X, Vec Y, const char want[])
{
  SNA        sna;
  PetscInt   np, d;
  PetscReal *th;
  char       text[4096] = "";

  PetscFunctionBegin;
  PetscCall(PetscOptionsInsertString(NULL, opts));
  PetscCall(SNACreate(PETSC_COMM_SELF, &sna));
  PetscCall(SNASetOptionsPrefix(sna, pre));
  PetscCall(VecGetBlockSize(X, &d)); /* the inputs */
  PetscCall(SNASetSizes(sna, d, 1));
  PetscCall(SNASetFromOptions(sna));
  PetscCall(SNASetUp(sna));
  if (set_params) {
    PetscCall(SNAGetNumParameters(sna, &np));
    PetscCall(PetscMalloc1(np, &th));
    for (PetscInt i = 0; i < np; i++) th[i] = 0.5 + 0.01 * i;
    PetscCall(SNASetParameters(sna, th));
    PetscCall(PetscFree(th));
  }
  if (retype) { /* a new type after the parameters were set: its start is drawn again (review s25b) */
    PetscCall(SNASetType(sna, retype));
    PetscCall(SNASetFromOptions(sna));
  }
  PetscCall(FitCapturingStderr(sna, X, Y, text, sizeof(text)));
  PetscCall(SNADestroy(&sna));
  if (want)
    PetscCheck(strstr(text, want), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: stderr lacks '%s'; it holds '%s'", pre, want, text);
  else
    PetscCheck(!strstr(text, "WARNING: option"), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: a seed that drew the start was warned about: '%s'", pre, text);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: %s\n", pre, want ? want : "no warning"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Vec         X, Y;
  const char *warm = "has no effect: it seeds a fresh model's random start and the split of -k1_sna_fit_validation, but this fit continues from the model's parameters";

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(Data(60, &X, &Y));
  /* KHRONOS: the caller's parameters replace the seeded draw; without them the draw is the start */
  PetscCall(Case("k1_", "-k1_sna_khronos_seed 7 -k1_sna_fit_type als -k1_sna_fit_max_it 3", PETSC_TRUE, NULL, X, Y, warm));
  PetscCall(Case("k2_", "-k2_sna_khronos_seed 7 -k2_sna_fit_type als -k2_sna_fit_max_it 3", PETSC_FALSE, NULL, X, Y, NULL));
  /* AION: the same, and -sna_aion_init on a set-up model is named as the start */
  PetscCall(Case("a1_", "-a1_sna_type aion -a1_sna_aion_seed 7 -a1_sna_fit_type lm -a1_sna_fit_max_it 3", PETSC_TRUE, NULL, X, Y, "-a1_sna_aion_seed (value 7) has no effect: it seeds the default start of a new model"));
  PetscCall(Case("a2_", "-a2_sna_type aion -a2_sna_aion_terms 1 -a2_sna_aion_init 1,0.1,2,0.3,1,0.1,2,0.3 -a2_sna_aion_seed 7 -a2_sna_fit_type lm -a2_sna_fit_max_it 3", PETSC_FALSE, NULL, X, Y, "but -a2_sna_aion_init gives the start"));
  PetscCall(Case("r1_", "-r1_sna_aion_seed 7 -r1_sna_fit_type lm -r1_sna_fit_max_it 3", PETSC_TRUE, SNAAION, X, Y, NULL));
  PetscCall(Case("a3_", "-a3_sna_type aion -a3_sna_aion_seed 7 -a3_sna_fit_type lm -a3_sna_fit_max_it 3", PETSC_FALSE, NULL, X, Y, NULL));
  /* KHRONOS's tensor start (the auto fit's default here: 60 samples hold none out) fills both modes, not six */
  PetscCall(Case("t1_", "-t1_sna_khronos_seed 7 -t1_sna_khronos_modes 2 -t1_sna_khronos_nodes 4", PETSC_FALSE, NULL, X, Y, "but this fit started every mode from the tensor start"));
  PetscCall(Case("t2_", "-t2_sna_khronos_seed 7 -t2_sna_khronos_modes 6 -t2_sna_khronos_nodes 4", PETSC_FALSE, NULL, X, Y, NULL));
  PetscCall(Case("t3_", "-t3_sna_khronos_seed 7 -t3_sna_khronos_modes 2 -t3_sna_khronos_nodes 4 -t3_sna_khronos_init random", PETSC_FALSE, NULL, X, Y, NULL));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  /* AION's infinite descent on uniform samples starts from the matrix pencil's solution, not the seeded draw (it
     replaced it silently); under -sna_aion_pencil never the draw is the start */
  PetscCall(DataUniform(64, &X, &Y));
  PetscCall(Case("p1_", "-p1_sna_type aion -p1_sna_aion_terms 2 -p1_sna_aion_seed 7", PETSC_FALSE, NULL, X, Y, "-p1_sna_aion_seed (value 7) has no effect: it seeds the default start and the split of -p1_sna_fit_validation, but infinite descent started from the matrix pencil's algebraic solution"));
  PetscCall(Case("p2_", "-p2_sna_type aion -p2_sna_aion_terms 2 -p2_sna_aion_seed 7 -p2_sna_aion_pencil never", PETSC_FALSE, NULL, X, Y, NULL));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&Y));
  PetscCall(PetscFinalize());
  return 0;
}
