static const char help[] = "The error quadrature of snaps-poisson on the reference cell: weights and moments.\n";

/* (mutation audit s22, m10) PoissonErrorsCreateCellQuadrature()'s weights checked in absolute terms: the convergence
   tests see only ratios of errors, which a constant factor in every weight (2^dim in L2 error^2 from doubled 1-D
   weights) leaves unchanged. On the reference cell [-1,1]^dim: sum w = 2^dim, sum w x_d^2 = 2^dim / 3 (orders >= 2
   integrate it exactly on every sub-cell), and the points inside the cell. */
#include <petscdt.h>
#include "errors.h"

int main(int argc, char **argv)
{
  PetscReal worst   = 0;
  PetscInt  checked = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  for (PetscInt dim = 1; dim <= 3; dim++) {
    for (PetscInt nsub = 1; nsub <= 3; nsub++) {
      for (PetscInt order = 1; order <= 4; order++) {
        PetscQuadrature  quad;
        const PetscReal *x, *w, vol = PetscPowRealInt(2.0, dim);
        PetscInt         qdim, nc, n;
        PetscReal        sw = 0, sx2[3] = {0, 0, 0};

        PetscCall(PoissonErrorsCreateCellQuadrature(dim, nsub, order, &quad));
        PetscCall(PetscQuadratureGetData(quad, &qdim, &nc, &n, &x, &w));
        PetscCheck(qdim == dim && nc == 1 && n == PetscPowInt(nsub * order, dim), PETSC_COMM_SELF, PETSC_ERR_PLIB, "dim %" PetscInt_FMT ", nsub %" PetscInt_FMT ", order %" PetscInt_FMT ": a rule of dim %" PetscInt_FMT ", %" PetscInt_FMT " components, %" PetscInt_FMT " points", dim, nsub, order, qdim, nc, n);
        for (PetscInt q = 0; q < n; q++) {
          sw += w[q];
          for (PetscInt d = 0; d < dim; d++) {
            PetscCheck(x[q * dim + d] > -1 && x[q * dim + d] < 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "dim %" PetscInt_FMT ", nsub %" PetscInt_FMT ", order %" PetscInt_FMT ": point %" PetscInt_FMT " has x_%" PetscInt_FMT " = %g, outside (-1, 1)", dim, nsub, order, q, d, (double)x[q * dim + d]);
            sx2[d] += w[q] * PetscSqr(x[q * dim + d]);
          }
        }
        PetscCheck(PetscAbsReal(sw - vol) <= 1e-13 * vol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "dim %" PetscInt_FMT ", nsub %" PetscInt_FMT ", order %" PetscInt_FMT ": the weights sum to %.15g, not the cell's volume %g", dim, nsub, order, (double)sw, (double)vol);
        worst = PetscMax(worst, PetscAbsReal(sw - vol) / vol);
        for (PetscInt d = 0; d < dim && order >= 2; d++) {
          PetscCheck(PetscAbsReal(sx2[d] - vol / 3) <= 1e-13 * vol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "dim %" PetscInt_FMT ", nsub %" PetscInt_FMT ", order %" PetscInt_FMT ": sum w x_%" PetscInt_FMT "^2 = %.15g, not 2^dim / 3 = %.15g", dim, nsub, order, d, (double)sx2[d], (double)(vol / 3));
          worst = PetscMax(worst, PetscAbsReal(sx2[d] - vol / 3) / vol);
        }
        PetscCall(PetscQuadratureDestroy(&quad));
        checked++;
      }
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%" PetscInt_FMT " cell rules (dim 1..3, 1..3 sub-cells, 1..4 points): weights and second moments exact to %.1e relative\n", checked, (double)worst));
  PetscCall(PetscFinalize());
  return 0;
}
