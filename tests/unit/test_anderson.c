/* SNAAndersonMix() (plugins/fit/anderson.c, compiled in: it is internal to the library) on a linear contraction
   G(theta) = M theta + c of 6 parameters, whose slowest mode contracts by 0.99 a step. Anderson type II with a depth
   of at least the parameter count is GMRES on I - M there: it must reach the fixed point to 1e-8 within 12 steps
   (the plain iteration still has 89% of the slowest mode's error after 12 steps). A sign error in the mixing, which
   the fits' safeguard (keep the mixed point only if the loss is lower) hides from their own tests, stalls it. The
   first call has no history: it returns G(theta) itself, unmixed. */
#include <snaps.h>
#include <snaps/private/snafitimpl.h>

int main(int argc, char **argv)
{
  enum { P = 6 };
  const PetscReal lam[P] = {0.99, 0.97, 0.9, 0.8, 0.6, 0.3}, c[P] = {1.0, -2.0, 0.5, 3.0, -1.0, 0.25};
  PetscReal       theta[P] = {0}, g[P], out[P], star[P], err = 0, nstar = 0;
  PetscBool       mixed;
  PetscInt        k;
  SNAAnderson     aa;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt i = 0; i < P; i++) star[i] = c[i] / (1 - lam[i]); /* M = diag(lam): the fixed point */
  for (PetscInt i = 0; i < P; i++) nstar += star[i] * star[i];
  nstar = PetscSqrtReal(nstar);
  PetscCall(SNAAndersonCreate(P, P, &aa));
  for (k = 0; k < 12; k++) {
    for (PetscInt i = 0; i < P; i++) g[i] = lam[i] * theta[i] + c[i];
    PetscCall(SNAAndersonMix(aa, theta, g, out, &mixed));
    if (k == 0) {
      PetscCheck(!mixed, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the first SNAAndersonMix() has no history but says it mixed");
      for (PetscInt i = 0; i < P; i++) PetscCheck(out[i] == g[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "the first SNAAndersonMix() did not return G(theta): entry %" PetscInt_FMT " %g, not %g", i, (double)out[i], (double)g[i]);
    }
    for (PetscInt i = 0; i < P; i++) theta[i] = out[i];
    err = 0;
    for (PetscInt i = 0; i < P; i++) err += PetscSqr(theta[i] - star[i]);
    err = PetscSqrtReal(err) / nstar;
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "step %2" PetscInt_FMT ": %s, relative error %.3e\n", k + 1, mixed ? "mixed" : "not mixed", (double)err));
    if (err < 1e-8) break;
  }
  PetscCheck(err < 1e-8, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Anderson acceleration (depth %d) of a linear map of %d parameters left a relative error %.3e after %" PetscInt_FMT " steps: expected < 1e-8 within 12 (GMRES on I - M)", P, P, (double)err, k);
  PetscCall(SNAAndersonDestroy(&aa));
  PetscCall(PetscFinalize());
  return 0;
}
