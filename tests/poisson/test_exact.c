static const char help[] = "The symbolic source of snaps-poisson against hand-derived ones.\n";

#include <petscsys.h>
#include "exact.h"

/* u = sin(pi x) sin(pi y^2): f = -Laplace u = pi sin(pi x) [pi (1 + 4 y^2) sin(pi y^2) - 2 cos(pi y^2)] */
static PetscReal KANSource(const PetscReal *x)
{
  const PetscReal s = PetscSinReal(PETSC_PI * x[0]), y2 = x[1] * x[1];
  return PETSC_PI * s * (PETSC_PI * (1 + 4 * y2) * PetscSinReal(PETSC_PI * y2) - 2 * PetscCosReal(PETSC_PI * y2));
}

/* u = exp(x1) * x2^3 * cos(x3) in 3-D with variables x1..x3: f = -exp(x1) cos(x3) (x2^3 + 6 x2 - x2^3) */
static PetscReal MixedSource(const PetscReal *x)
{
  return -PetscExpReal(x[0]) * PetscCosReal(x[2]) * (6 * x[1]);
}

int main(int argc, char **argv)
{
  PoissonExact    kan, mixed;
  const PetscReal pts[4][3] = {{0.3, -0.7, 0.1}, {-0.9, 0.2, 0.5}, {0.55, 0.95, -0.4}, {0.0, 0.0, 0.0}};
  PetscReal       worst     = 0, u, grad[3], f;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PoissonExactCreate(PETSC_COMM_SELF, "sin(pi*x)*sin(pi*y^2)", 2, &kan));
  PetscCall(PoissonExactCreate(PETSC_COMM_SELF, "exp(x1)*x2^3*cos(x3)", 3, &mixed));
  for (PetscInt i = 0; i < 4; i++) {
    PetscCall(PoissonExactEvaluate(kan, pts[i], &u, grad, &f));
    worst = PetscMax(worst, PetscAbsReal(f - KANSource(pts[i])));
    worst = PetscMax(worst, PetscAbsReal(grad[0] - PETSC_PI * PetscCosReal(PETSC_PI * pts[i][0]) * PetscSinReal(PETSC_PI * pts[i][1] * pts[i][1])));
    PetscCall(PoissonExactEvaluate(mixed, pts[i], &u, grad, &f));
    worst = PetscMax(worst, PetscAbsReal(f - MixedSource(pts[i])));
    worst = PetscMax(worst, PetscAbsReal(grad[1] - 3 * PetscExpReal(pts[i][0]) * pts[i][1] * pts[i][1] * PetscCosReal(pts[i][2])));
  }
  { /* the tape is checked on the problem's box (audit s19, finding 10): log(x-2) is NaN on all of [-1,1]^2 but
       finite on [3,4]^2; sqrt(x-0.9) is finite on a tenth of [0,1]^2: too few points to check the tape there */
    PoissonExact shifted, edge;
    PetscBool    tape;

    PetscCall(PoissonExactCreate(PETSC_COMM_SELF, "log(x-2)*y", 2, &shifted));
    PetscCall(PoissonExactSetDomain(shifted, 3, 4));
    PetscCall(PoissonExactUsesTape(shifted, &tape));
    PetscCheck(tape, PETSC_COMM_SELF, PETSC_ERR_PLIB, "log(x-2)*y on [3,4]^2: the tape agrees with libmatheval there but was dropped");
    PetscCall(PoissonExactCreate(PETSC_COMM_SELF, "sqrt(x-0.9)*y", 2, &edge));
    PetscCall(PoissonExactUsesTape(edge, &tape));
    PetscCheck(tape, PETSC_COMM_SELF, PETSC_ERR_PLIB, "sqrt(x-0.9)*y: the tape should pass the [-1,1]^2 check (its points outside the expression's domain are skipped)");
    PetscCall(PoissonExactSetDomain(edge, 0, 1));
    PetscCall(PoissonExactUsesTape(edge, &tape));
    PetscCheck(!tape, PETSC_COMM_SELF, PETSC_ERR_PLIB, "sqrt(x-0.9)*y on [0,1]^2: the tape was kept with fewer than 16 finite probe points");
    PetscCall(PoissonExactDestroy(&shifted));
    PetscCall(PoissonExactDestroy(&edge));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "symbolic vs hand-derived source and gradient: max difference %.3e\n", (double)worst));
  PetscCheck(worst < 1e-12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Symbolic source differs from the hand-derived one by %g", (double)worst);
  PetscCall(PoissonExactDestroy(&kan));
  PetscCall(PoissonExactDestroy(&mixed));
  PetscCall(PetscFinalize());
  return 0;
}
