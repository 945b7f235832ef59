/* Fuzz harness of the snapshot reader (SNAPSSnapshotsLoad, as snaps-pod uses it): load the parameters,
   solutions and right-hand sides, then compute their POD bases as snaps-pod does. */
#include "fuzz.h"

#include <snaps/pod.h>
#include <snaps/snapshots.h>

/* What a load returns, owned here so that it is freed whether or not the load and POD succeeded. */
typedef struct {
  PetscInt   N, k, r;
  Vec        X, *U, *B, *V, *W;
  PetscReal *sigma, *rsigma;
} Loaded;

/* The POD bases of what was loaded, as snaps-pod computes them. */
static PetscErrorCode UsePOD(Loaded *s)
{
  PetscFunctionBegin;
  PetscCall(SNAPSPODCompute(s->N, (const Vec *)s->U, 1e-10, PETSC_DETERMINE, &s->k, &s->V, &s->sigma));
  if (s->B) PetscCall(SNAPSPODCompute(s->N, (const Vec *)s->B, 1e-10, PETSC_DETERMINE, &s->r, &s->W, &s->rsigma));
  PetscFunctionReturn(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char   path[PETSC_MAX_PATH_LEN];
  char   fingerprint[17];
  Loaded s;

  if (SNAPSFuzzWriteFile(data, size, "snapshots", path, sizeof(path))) return 0;
  if (PetscMemzero(&s, sizeof(s))) return 0;
  /* a failed load owns what it allocated (a leak there is a finding); a complete one is freed here */
  if (!SNAPSSnapshotsLoad(PETSC_COMM_WORLD, path, &s.N, &s.X, &s.U, &s.B, fingerprint)) {
    (void)UsePOD(&s);
    if (s.V) (void)VecDestroyVecs(s.k, &s.V);
    if (s.W) (void)VecDestroyVecs(s.r, &s.W);
    (void)PetscFree(s.sigma);
    (void)PetscFree(s.rsigma);
    (void)VecDestroyVecs(s.N, &s.U);
    if (s.B) (void)VecDestroyVecs(s.N, &s.B);
    (void)VecDestroy(&s.X);
  }
  SNAPSFuzzDone(path);
  return 0;
}
