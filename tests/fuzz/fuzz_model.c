/* Fuzz harness of the model reader (SNALoad, as snaps-predict uses it): load, then evaluate the model
   at the corners and the centre of its box and just outside it. */
#include "fuzz.h"

#include <snaps/sna.h>

#define NPOINTS 4

/* The points: lower corner, upper corner, centre, and beyond the upper corner (extrapolation). */
static PetscErrorCode Points(SNA sna, PetscInt d, Vec X)
{
  const PetscReal *lo, *hi;
  PetscScalar     *x;
  const PetscReal  t[NPOINTS] = {0.0, 1.0, 0.5, 1.25};

  PetscFunctionBegin;
  PetscCall(SNAGetBounds(sna, &lo, &hi));
  PetscCall(VecGetArrayWrite(X, &x));
  for (PetscInt i = 0; i < NPOINTS; i++)
    for (PetscInt p = 0; p < d; p++) x[i * d + p] = lo[p] + t[i] * (hi[p] - lo[p]);
  PetscCall(VecRestoreArrayWrite(X, &x));
  PetscFunctionReturn(0);
}

/* Loads the model and evaluates it; X and U belong to the caller, so nothing leaks when this fails. */
static PetscErrorCode LoadAndEvaluate(SNA sna, const char path[], Vec *X, Vec *U)
{
  PetscInt d, q;

  PetscFunctionBegin;
  PetscCall(SNALoad(sna, path));
  PetscCall(SNAGetSizes(sna, &d, &q));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, NPOINTS * d, X));
  PetscCall(VecSetBlockSize(*X, d));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, NPOINTS * q, U));
  PetscCall(VecSetBlockSize(*U, q));
  PetscCall(Points(sna, d, *X));
  PetscCall(SNAEvaluate(sna, *X, *U));
  PetscFunctionReturn(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[PETSC_MAX_PATH_LEN];
  SNA  sna = NULL;
  Vec  X = NULL, U = NULL;

  if (SNAPSFuzzWriteFile(data, size, "model", path, sizeof(path))) return 0;
  if (!SNACreate(PETSC_COMM_SELF, &sna)) (void)LoadAndEvaluate(sna, path, &X, &U);
  (void)VecDestroy(&X);
  (void)VecDestroy(&U);
  (void)SNADestroy(&sna);
  SNAPSFuzzDone(path);
  return 0;
}
