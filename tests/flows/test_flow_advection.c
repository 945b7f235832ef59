/* The dealiased advection terms conserve what the inviscid equations conserve: for a state with every
   Fourier mode present (so aliasing would show), d/de E(y + e N(y)) = 0 at e = 0 for the KS energy and for
   the 2-D energy and enstrophy, to rounding. Measured by central differences of the problems' own
   diagnostics, which are exact for these quadratic quantities. */
#include "../../solvers/ks/ks.h"
#include "../../solvers/kolmogorov/kolmogorov.h"

/* Largest |dQ/de| / |Q(N)|-scale over the diagnostics idx[0..n). */
static PetscErrorCode Check(FlowProblem *pb, const char name[], PetscInt n, const PetscInt idx[])
{
  Vec         y, f, z;
  PetscRandom rnd;
  PetscReal   dp[8], dm[8], dy[8], df[8], e = 1e-3, worst = 0;

  PetscFunctionBegin;
  PetscCall(pb->create_vec(pb->ctx, &y));
  PetscCall(VecDuplicate(y, &f));
  PetscCall(VecDuplicate(y, &z));
  PetscCall(PetscRandomCreate(PetscObjectComm((PetscObject)y), &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(VecSetRandom(y, rnd));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(pb->explicit_rhs(pb->ctx, 0, y, f));
  PetscCall(VecWAXPY(z, e, f, y));
  PetscCall(pb->diagnostics(pb->ctx, z, dp));
  PetscCall(VecWAXPY(z, -e, f, y));
  PetscCall(pb->diagnostics(pb->ctx, z, dm));
  PetscCall(pb->diagnostics(pb->ctx, y, dy));
  PetscCall(pb->diagnostics(pb->ctx, f, df));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt  k   = idx[i];
    PetscReal rel = PetscAbsReal((dp[k] - dm[k]) / (2 * e)) / (2 * PetscSqrtReal(dy[k] * df[k]));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: %s changes at %.2e of its scale\n", name, pb->desc.diag[k], (double)rel));
    worst = PetscMax(worst, rel);
  }
  PetscCheck(worst < 1e-11, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: the advection term does not conserve the invariants (%.2e): broken dealiasing or derivative", name, (double)worst);
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&z));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  KS             ks;
  Kolmogorov     kf;
  FlowProblem    pb;
  const PetscInt ks_idx[] = {0}, kol_idx[] = {0, 1};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (PetscInt N = 32; N <= 64; N *= 2) {
    PetscCall(KSCreate(N, 22, &ks));
    PetscCall(KSGetProblem(ks, &pb));
    PetscCall(Check(&pb, "ks", 1, ks_idx));
    PetscCall(KSDestroy(&ks));
    PetscCall(KolmogorovCreate(PETSC_COMM_WORLD, N, 40, 0, 4, 0, &kf)); /* unforced */
    PetscCall(KolmogorovGetProblem(kf, &pb));
    PetscCall(Check(&pb, "kolmogorov", 2, kol_idx));
    PetscCall(KolmogorovDestroy(&kf));
  }
  PetscCall(PetscFinalize());
  return 0;
}
