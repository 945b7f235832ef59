/* Fuzz harness of the dataset reader (SNADatasetLoad, as snaps-fit and snaps-predict use it): load /X
   and /Y, then use them as a fit does (norms of every column). */
#include "fuzz.h"

#include <snaps/dataset.h>

/* Loads the dataset and reads every value once; X and Y belong to the caller. */
static PetscErrorCode LoadAndUse(const char path[], Vec *X, Vec *Y)
{
  PetscInt  bx, by;
  PetscReal norms[2];

  PetscFunctionBegin;
  PetscCall(SNADatasetLoad(PETSC_COMM_WORLD, path, NULL, X, Y));
  PetscCall(VecGetBlockSize(*X, &bx));
  PetscCall(VecGetBlockSize(*Y, &by));
  PetscCall(VecNorm(*X, NORM_INFINITY, &norms[0]));
  PetscCall(VecNorm(*Y, NORM_INFINITY, &norms[1]));
  PetscCheck(bx >= 1 && by >= 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "SNADatasetLoad() returned block sizes %" PetscInt_FMT " and %" PetscInt_FMT, bx, by);
  PetscFunctionReturn(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[PETSC_MAX_PATH_LEN];
  Vec  X = NULL, Y = NULL;

  if (SNAPSFuzzWriteFile(data, size, "dataset", path, sizeof(path))) return 0;
  (void)LoadAndUse(path, &X, &Y);
  (void)VecDestroy(&X);
  (void)VecDestroy(&Y);
  SNAPSFuzzDone(path);
  return 0;
}
