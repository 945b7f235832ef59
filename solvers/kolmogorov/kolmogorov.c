static const char help[] = "snaps-kolmogorov: 2-D Kolmogorov flow in vorticity form on [0, 2 pi]^2,\n"
                           "  w_t + u.grad(w) = nu Lap(w) - alpha w + A n cos(n y),  nu = 1/Re,\n"
                           "pseudo-spectral on N x N points with the 2/3 rule, distributed in slabs of rows over the MPI ranks\n"
                           "(FFTW-MPI), integrated by SUNDIALS ARKODE (IMEX ARKStep: viscosity and drag implicit and solved exactly\n"
                           "in Fourier space, the advection and forcing explicit) on PETSc vectors. Members run one after another,\n"
                           "each on all ranks; with -stepper sna the members are spread over the ranks instead, each stepped,\n"
                           "decoded and diagnosed on one rank (a member's latent step is a few hundred microseconds: collectives\n"
                           "per member and saved time cost more than they share).\n\n"
                           "Equation options:\n"
                           "  -N <N>                    grid points per direction, even (64)\n"
                           "  -Re <Re>                  Reynolds number 1/nu (40: weakly turbulent)\n"
                           "  -alpha <a>                linear drag (0)\n"
                           "  -forcing_wavenumber <n>   n (4)\n"
                           "  -forcing_amplitude <A>    A (1: the standard forcing n cos(n y); 0: unforced)\n"
                           "  -init random|taylor-green random: Fourier modes |kx|, |ky| <= 4 with random coefficients (default);\n"
                           "                            taylor-green: 2 cos x cos y (exact decay exp(-2 nu t) when unforced)\n"
                           "  -init_amplitude <a>       scales the initial state (1)\n"
                           "Trajectory diagnostics per member and saved time: energy <|u|^2>/2, enstrophy <w^2>/2, dissipation\n"
                           "2 nu enstrophy, energy_input <psi A n cos(n y)>.\n";

#include "kolmogorov.h"
#include <snaps/options.h>

int main(int argc, char **argv)
{
  Kolmogorov  kf;
  FlowRun     run;
  FlowProblem pb;
  PetscInt    N = 64, nf = 4;
  PetscReal   Re = 40, alpha = 0, famp = 1, amp = 1;
  char        init[16] = "random";
  PetscBool   help_only, set[2] = {PETSC_FALSE}, nf_set;
  const char *init_opts[2] = {"-init", "-init_amplitude"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsHasHelp(NULL, &help_only));
  if (help_only) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s\n%s\n", help, FlowRunHelp));
  PetscCall(FlowRunCreate(PETSC_COMM_WORLD, "snaps-kolmogorov", &run));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "snaps-kolmogorov options", NULL);
  PetscCall(PetscOptionsInt("-N", "Grid points per direction", NULL, N, &N, NULL));
  PetscCall(PetscOptionsReal("-Re", "Reynolds number", NULL, Re, &Re, NULL));
  PetscCall(PetscOptionsReal("-alpha", "Linear drag", NULL, alpha, &alpha, NULL));
  PetscCall(PetscOptionsInt("-forcing_wavenumber", "Forcing wavenumber n", NULL, nf, &nf, &nf_set));
  PetscCall(PetscOptionsReal("-forcing_amplitude", "Forcing amplitude A", NULL, famp, &famp, NULL));
  PetscCall(PetscOptionsString("-init", "Initial state: random or taylor-green", NULL, init, init, sizeof(init), &set[0]));
  PetscCall(PetscOptionsReal("-init_amplitude", "Initial amplitude", NULL, amp, &amp, &set[1]));
  PetscCall(FlowRunSetFromOptions(run, PetscOptionsObject));
  PetscOptionsEnd();
  if (!help_only) {
    PetscCall(FlowRunCheckInitOptions(run, 2, init_opts, set));
    /* checked on all ranks together first: with -stepper sna each rank creates the equation alone (PETSC_COMM_SELF),
       where a bad option would be reported once per rank */
    PetscCall(KolmogorovCheckEquation(PETSC_COMM_WORLD, N, Re, alpha, nf, famp));
    PetscCall(KolmogorovCheckInitial(PETSC_COMM_WORLD, init, amp));
    /* warned, not refused: unforced data record the wavenumber (attributes, fingerprint) and a surrogate's physics
       check compares it, so one command line may carry it for an unforced run too */
    if (nf_set && famp == 0) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "WARNING: snaps-kolmogorov: -forcing_wavenumber %" PetscInt_FMT " does not apply with -forcing_amplitude 0: the flow is unforced, and the wavenumber is only recorded (trajectory attributes, checkpoints, the -stepper_model check): it changes nothing in the flow, but a -restart must repeat it\n", nf));
    PetscCall(KolmogorovCreate(FlowRunUsesSurrogate(run) ? PETSC_COMM_SELF : PETSC_COMM_WORLD, N, Re, alpha, nf, famp, &kf));
    PetscCall(KolmogorovSetInitial(kf, init, amp));
    PetscCall(KolmogorovGetProblem(kf, &pb));
    PetscCall(FlowRunSolve(run, &pb));
    PetscCall(KolmogorovDestroy(&kf));
  }
  PetscCall(FlowRunDestroy(&run));
  PetscCall(SNAPSOptionsWarnUnused(PETSC_COMM_WORLD));
  PetscCall(PetscFinalize());
  return 0;
}
