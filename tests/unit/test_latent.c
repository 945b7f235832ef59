static const char help[] = "POD latent basis of rollout surrogates: orthonormal rows, the mean, exact reconstruction of a snapshot\n"
                           "in the span, and the captured energy fraction on a synthetic field of known modes.\n";

#include <snaps.h>

#define NPTS 64
#define M    40

/* Snapshots X_i = mean0 + sum_k c_k cos(2 pi (k + 1) i / M) phi_k with orthonormal phi_k (sines of the grid):
   the coefficients are orthogonal over i and average to zero, so the POD modes are the phi_k, the mean is
   mean0 and r modes capture sum_{k<r} c_k^2 / sum_k c_k^2 of the fluctuation energy. */
static void Synthetic(PetscReal X[], PetscReal mean0[])
{
  const PetscReal c[3] = {3, 2, 1};

  for (PetscInt j = 0; j < NPTS; j++) mean0[j] = 1 + 0.5 * PetscCosReal(2 * PETSC_PI * j / NPTS);
  for (PetscInt i = 0; i < M; i++)
    for (PetscInt j = 0; j < NPTS; j++) {
      X[i * NPTS + j] = mean0[j];
      for (PetscInt k = 0; k < 3; k++) X[i * NPTS + j] += c[k] * PetscCosReal(2 * PETSC_PI * (k + 1) * i / M) * PetscSqrtReal(2.0 / NPTS) * PetscSinReal(2 * PETSC_PI * (k + 2) * j / NPTS);
    }
}

int main(int argc, char **argv)
{
  PetscReal X[M * NPTS], mean0[NPTS], mean[NPTS], B[3 * NPTS], energy, err = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  Synthetic(X, mean0);
  PetscCall(SNAPSLatentPOD(M, NPTS, X, 2, B, mean, &energy));
  PetscCheck(PetscAbsReal(energy - 13.0 / 14.0) < 1e-12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "2 of 3 modes with energies 9, 4, 1 capture %.15g of the energy, not 13/14", (double)energy);
  PetscCall(SNAPSLatentPOD(M, NPTS, X, 3, B, mean, &energy));
  PetscCheck(PetscAbsReal(energy - 1) < 1e-12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "All 3 modes capture %.15g of the energy, not 1", (double)energy);
  for (PetscInt j = 0; j < NPTS; j++) err = PetscMax(err, PetscAbsReal(mean[j] - mean0[j]));
  PetscCheck(err < 1e-12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The mean differs from the snapshots' average by %g", (double)err);
  for (PetscInt a = 0; a < 3; a++)
    for (PetscInt b = 0; b < 3; b++) {
      PetscReal d = 0;
      for (PetscInt j = 0; j < NPTS; j++) d += B[a * NPTS + j] * B[b * NPTS + j];
      PetscCheck(PetscAbsReal(d - (a == b)) < 1e-12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "(B B^T)[%" PetscInt_FMT "][%" PetscInt_FMT "] = %.15g: the rows are not orthonormal", a, b, (double)d);
    }
  for (PetscInt i = 0; i < M; i += 7) { /* mean + B^T B (x - mean) is x for a snapshot in the span */
    PetscReal z[3] = {0, 0, 0}, e = 0;
    for (PetscInt a = 0; a < 3; a++)
      for (PetscInt j = 0; j < NPTS; j++) z[a] += B[a * NPTS + j] * (X[i * NPTS + j] - mean[j]);
    for (PetscInt j = 0; j < NPTS; j++) {
      PetscReal u = mean[j];
      for (PetscInt a = 0; a < 3; a++) u += z[a] * B[a * NPTS + j];
      e = PetscMax(e, PetscAbsReal(u - X[i * NPTS + j]));
    }
    PetscCheck(e < 1e-12, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Snapshot %" PetscInt_FMT " is reconstructed with error %g", i, (double)e);
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "latent: POD of %d snapshots: orthonormal rows, mean, exact reconstruction, energy 13/14 with 2 modes\n", M));
  PetscCall(PetscFinalize());
  return 0;
}
