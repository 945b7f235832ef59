/* POD by Gram-Schmidt QR of the snapshots and the SVD of R (see snaps/pod.h). */
#include <snaps/pod.h>
#include <petscblaslapack.h>

/* Relative size below which a snapshot's remainder is roundoff: it adds no direction. */
#define POD_DEPENDENT 1e-13

PetscErrorCode SNAPSPODCompute(PetscInt N, const Vec snap[], PetscReal tol, PetscInt maxk, PetscInt *k, Vec **basis, PetscReal **sigma)
{
  MPI_Comm     comm;
  Vec         *Q;
  PetscScalar *R, *h, *Ur, *Wt, *work;
  PetscReal   *sig, total = 0, tail;
  PetscInt     m = 0, nkeep = 0;
  PetscBLASInt bm, bN, lwork, info;

  PetscFunctionBegin;
  PetscCheck(N >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "POD needs at least one snapshot");
  PetscCall(PetscObjectGetComm((PetscObject)snap[0], &comm));
  PetscCheck(tol >= 0 && tol < 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "The POD tolerance must be in [0, 1), not %g", (double)tol);
  if (maxk == PETSC_DETERMINE || maxk == PETSC_DEFAULT || maxk > N) maxk = N;
  PetscCheck(maxk >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "The POD needs at least one mode, not %" PetscInt_FMT, maxk);
  /* thin QR: R is m x N (column-major, leading dimension N), m <= N accepted directions */
  PetscCall(PetscCalloc2(N * N, &R, N, &h));
  PetscCall(VecDuplicateVecs(snap[0], N, &Q));
  for (PetscInt i = 0; i < N; i++) {
    PetscReal norm0, norm;
    PetscCall(VecCopy(snap[i], Q[m]));
    PetscCall(VecNorm(Q[m], NORM_2, &norm0));
    for (PetscInt pass = 0; pass < 2 && m > 0; pass++) {
      PetscCall(VecMDot(Q[m], m, Q, h));
      for (PetscInt j = 0; j < m; j++) {
        R[i * N + j] += h[j];
        h[j] = -h[j];
      }
      PetscCall(VecMAXPY(Q[m], m, h, Q));
    }
    PetscCall(VecNorm(Q[m], NORM_2, &norm));
    if (norm > POD_DEPENDENT * norm0 && norm > 0) {
      PetscCall(VecScale(Q[m], 1.0 / norm));
      R[i * N + m] = norm;
      m++;
    }
  }
  PetscCheck(m > 0, comm, PETSC_ERR_ARG_WRONG, "All %" PetscInt_FMT " snapshots are zero: nothing to decompose", N);
  /* R = U_R diag(sigma) W^T; the modes are Q U_R */
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(N, &bN));
  lwork = 5 * (bm + bN) + 64;
  PetscCall(PetscMalloc4(m * m, &Ur, m * N, &Wt, lwork, &work, m, &sig));
  {
    PetscBLASInt ldr = bN, ldw = bm, one = 1;
    PetscScalar *Rm;
    PetscCall(PetscMalloc1(m * N, &Rm)); /* compact copy with leading dimension m (dgesvd overwrites it) */
    for (PetscInt c = 0; c < N; c++)
      for (PetscInt r = 0; r < m; r++) Rm[c * m + r] = R[c * ldr + r];
    PetscCallBLAS("LAPACKgesvd", LAPACKgesvd_("S", "N", &bm, &bN, Rm, &bm, sig, Ur, &bm, Wt, &one, work, &lwork, &info));
    (void)ldw;
    PetscCall(PetscFree(Rm));
  }
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK dgesvd failed (info %d) on the %" PetscInt_FMT " x %" PetscInt_FMT " factor of the snapshots", (int)info, m, N);
  for (PetscInt j = 0; j < m; j++) total += sig[j] * sig[j];
  /* the tail sum_{j >= k} sigma_j^2 summed from the small end (total minus the head would cancel) */
  while (nkeep < PetscMin(maxk, m) && sig[nkeep] > POD_DEPENDENT * sig[0]) {
    tail = 0;
    for (PetscInt j = m - 1; j >= nkeep; j--) tail += sig[j] * sig[j];
    if (PetscSqrtReal(tail / total) <= tol) break;
    nkeep++;
  }
  if (nkeep == 0) nkeep = 1;
  PetscCall(VecDuplicateVecs(snap[0], nkeep, basis));
  for (PetscInt j = 0; j < nkeep; j++) {
    PetscCall(VecSet((*basis)[j], 0.0));
    PetscCall(VecMAXPY((*basis)[j], m, Ur + j * m, Q));
  }
  PetscCall(PetscCalloc1(N, sigma));
  PetscCall(PetscArraycpy(*sigma, sig, m));
  *k = nkeep;
  PetscCall(VecDestroyVecs(N, &Q));
  PetscCall(PetscFree2(R, h));
  PetscCall(PetscFree4(Ur, Wt, work, sig));
  PetscFunctionReturn(0);
}
