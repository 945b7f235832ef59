static const char help[] = "snaps-ks: the Kuramoto-Sivashinsky equation u_t + u u_x + u_xx + u_xxxx = 0, periodic on [0, L),\n"
                           "pseudo-spectral on N points (FFTW, 2/3-rule dealiasing), integrated by SUNDIALS ARKODE (IMEX ARKStep:\n"
                           "the linear part implicit and solved exactly in Fourier space, the advection explicit) on PETSc vectors.\n"
                           "An ensemble of independent members is spread over the MPI ranks.\n\n"
                           "Equation options:\n"
                           "  -L <L>                    domain length (22)\n"
                           "  -N <N>                    grid points, even (64)\n"
                           "  -init random|mode         random: the first four Fourier modes with random coefficients (default);\n"
                           "                            mode: -init_amplitude cos(2 pi -init_mode x / L)\n"
                           "  -init_amplitude <a>       (0.1) random: the coefficients are a times uniform draws in [-1, 1]; 0: zero\n"
                           "  -init_mode <m>            (1)\n"
                           "Trajectory diagnostics: energy = mean(u^2)/2 and mean_u (conserved) per member and saved time.\n";

#include "ks.h"
#include <snaps/options.h>

int main(int argc, char **argv)
{
  KS          ks;
  FlowRun     run;
  FlowProblem pb;
  PetscInt    N = 64, mode = 1;
  PetscReal   L = 22, amplitude = 0.1;
  char        init[16] = "random";
  PetscBool   help_only, set[3] = {PETSC_FALSE};
  const char *init_opts[3] = {"-init", "-init_amplitude", "-init_mode"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  if (help_only) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s\n%s\n", help, FlowRunHelp));
  PetscCall(FlowRunCreate(PETSC_COMM_WORLD, "snaps-ks", &run));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-ks options", NULL);
  PetscCall(PetscOptionsReal("-L", "Domain length", NULL, L, &L, NULL));
  PetscCall(PetscOptionsInt("-N", "Grid points", NULL, N, &N, NULL));
  PetscCall(PetscOptionsString("-init", "Initial state: random or mode", NULL, init, init, sizeof(init), &set[0]));
  PetscCall(PetscOptionsReal("-init_amplitude", "Initial amplitude", NULL, amplitude, &amplitude, &set[1]));
  PetscCall(PetscOptionsInt("-init_mode", "Fourier mode of -init mode", NULL, mode, &mode, &set[2]));
  PetscCall(FlowRunSetFromOptions(run, PetscOptionsObject));
  PetscOptionsEnd();
  if (!help_only) {
    PetscCall(FlowRunCheckInitOptions(run, 3, init_opts, set));
    PetscCheck(!set[2] || !strcmp(init, "mode"), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-init_mode %" PetscInt_FMT " applies to -init mode only, not -init %s: add -init mode, or remove it", mode, init);
    PetscCall(KSCreate(N, L, &ks));
    PetscCall(KSSetInitial(ks, init, amplitude, mode));
    PetscCall(KSGetProblem(ks, &pb));
    PetscCall(FlowRunSolve(run, &pb));
    PetscCall(KSDestroy(&ks));
  }
  PetscCall(FlowRunDestroy(&run));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
